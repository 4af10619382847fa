import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ticketStreamId } from '@support-desk/contracts';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { DomainError, recordIdForTicket, ticketIdForIdempotencyKey } from '@support-desk/ticket-domain';
import { IdempotencyKeyReusedError } from './request-idempotency';
import { TicketCommandHandler, type NewTicket } from './ticket-command-handler';

const request: NewTicket = {
  uuid: 'u-1',
  udid: 'd-1',
  subject: 'Crash',
  message: 'On start',
  email: 'a@example.com',
  name: null,
  category: 'bug',
  phone: null,
  images: [],
};

describe('TicketCommandHandler', () => {
  let store: SqliteEventStore;
  let tickets: TicketCommandHandler;
  let ids = 0;
  const newTicketId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
    tickets = new TicketCommandHandler(store);
  });
  afterEach(() => store.close());

  const events = async (ticketId: string) => store.readStream(ticketStreamId(recordIdForTicket(ticketId)));

  describe('requestTicket', () => {
    it('opens a ticket under a fresh id without a key, with the correlation id on its event', async () => {
      const ticket = await tickets.requestTicket(request, { now: 100, newTicketId, correlationId: 'req-1' });
      expect(ticket).toMatchObject({ status: 'open', ...request, requestedAt: 100, recordId: recordIdForTicket(ticket.ticketId) });
      const recorded = await events(ticket.ticketId);
      expect(recorded.map((e) => e.type)).toEqual(['TicketRequested']);
      expect(recorded[0]!.metadata).toEqual({ correlationId: 'req-1' });
      const other = await tickets.requestTicket(request, { now: 100, newTicketId });
      expect(other.ticketId).not.toBe(ticket.ticketId);
    });

    it('opens a ticket without a key without reading its stream (a fresh id has none)', async () => {
      const read = vi.spyOn(store, 'readStream');
      const ticket = await tickets.requestTicket(request, { now: 100, newTicketId });
      expect(read).not.toHaveBeenCalled();
      expect((await events(ticket.ticketId)).map((e) => e.type)).toEqual(['TicketRequested']);
    });

    it('still refuses a fresh id that is taken after all, leaving its ticket as it was', async () => {
      const taken = newTicketId();
      await tickets.requestTicket(request, { now: 100, newTicketId: () => taken });
      const read = vi.spyOn(store, 'readStream');
      const again = tickets.requestTicket({ ...request, message: 'other' }, { now: 200, newTicketId: () => taken });
      await expect(again).rejects.toBeInstanceOf(DomainError);
      await expect(again).rejects.toMatchObject({ code: 'TICKET.ALREADY_EXISTS' });
      expect(read).toHaveBeenCalled();
      const recorded = await events(taken);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.data).toMatchObject({ message: 'On start', requestedAt: 100 });
    });

    it('records the request hash only with a key', async () => {
      const ticket = await tickets.requestTicket(request, { now: 100, newTicketId, correlationId: 'c' });
      expect((await events(ticket.ticketId))[0]!.metadata).not.toHaveProperty('requestHash');
      const keyed = await tickets.requestTicket(request, { now: 100, idempotencyKey: 'k-5', newTicketId });
      expect((await events(keyed.ticketId))[0]!.metadata.requestHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('names the ticket after the Idempotency-Key and answers a retry with the first ticket, adding nothing', async () => {
      const first = await tickets.requestTicket(request, { now: 100, idempotencyKey: 'k-1', newTicketId });
      expect(first.ticketId).toBe(ticketIdForIdempotencyKey('k-1'));
      // Later events on the ticket don't change the replayed answer.
      await tickets.handle(first.recordId, { type: 'RecordTicketSynced', data: { recordId: first.recordId, zendeskTicketId: '9', now: 150 } });
      const retry = await tickets.requestTicket({ ...request }, { now: 200, idempotencyKey: 'k-1', newTicketId });
      expect(retry).toEqual(first);
      expect((await events(first.ticketId)).map((e) => e.type)).toEqual(['TicketRequested', 'TicketSynced']);
    });

    it('judges a retry by its content, not its key order', async () => {
      await tickets.requestTicket(request, { now: 100, idempotencyKey: 'k-2', newTicketId });
      const reordered = Object.fromEntries(Object.entries(request).reverse()) as NewTicket;
      await expect(tickets.requestTicket(reordered, { now: 100, idempotencyKey: 'k-2', newTicketId })).resolves.toMatchObject({ status: 'open' });
    });

    it('refuses the same key with another request', async () => {
      await tickets.requestTicket(request, { now: 100, idempotencyKey: 'k-3', newTicketId });
      const reuse = tickets.requestTicket({ ...request, message: 'something else' }, { now: 200, idempotencyKey: 'k-3', newTicketId });
      await expect(reuse).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expect(reuse).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
    });

    it('makes racing retries with one key create one ticket, and answer each with it', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () => tickets.requestTicket(request, { now: 100, idempotencyKey: 'k-4', newTicketId })));
      expect(new Set(answers.map((t) => t.ticketId)).size).toBe(1);
      expect(await events(answers[0]!.ticketId)).toHaveLength(1);
    });
  });

  describe('handle', () => {
    it('answers with the open ticket after the command, or the decider refusal', async () => {
      const { recordId } = await tickets.requestTicket(request, { now: 100, newTicketId });
      const file = { recordId, fileType: 'LOG' as const, blobKey: 'logs/k', fileName: 'app.log', contentType: 'text/plain', size: 3, now: 300 };
      const { state, newEvents } = await tickets.handle(recordId, { type: 'AttachSupportFile', data: file });
      expect(newEvents.map((e) => e.type)).toEqual(['SupportFileUploaded']);
      expect(state.files.LOG).toMatchObject({ blobKey: 'logs/k' });
      const unknown = recordIdForTicket(newTicketId());
      await expect(tickets.handle(unknown, { type: 'AttachSupportFile', data: { ...file, recordId: unknown } })).rejects.toBeInstanceOf(DomainError);
    });
  });
});
