import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import { decide, type TicketCommand } from './ticket.decider';
import { foldTicket } from './ticket';

/** given(events).when(command).then(events | error) — no I/O, no clock. */
const given = (events: TicketEvent[]) => ({
  when: (command: TicketCommand) => {
    const run = () => decide(command, foldTicket(events));
    return {
      then: (expected: TicketEvent[]) => expect(run()).toEqual(expected),
      thenFails: (code: string) => {
        expect(run).toThrow(DomainError);
        try {
          run();
        } catch (e) {
          expect((e as DomainError).code).toBe(code);
        }
      },
    };
  },
});

const recordId = 'r-1';
const ticketId = 't-1';
const fields = {
  recordId,
  ticketId,
  uuid: 'u-1',
  udid: 'd-1',
  subject: 'Crash',
  message: 'On start',
  email: 'a@example.com',
  name: null,
  category: 'bug',
  phone: null,
  images: ['x.png'],
};
const requested: TicketEvent = { type: 'TicketRequested', data: { ...fields, requestedAt: 100 } };
const file = { recordId, fileType: 'LOG' as const, blobKey: 'logs/k', fileName: 'app.log', contentType: 'text/plain', size: 3 };

describe('ticket decider', () => {
  it('requests a ticket on an empty stream', () => {
    given([])
      .when({ type: 'RequestTicket', data: { ...fields, now: 100 } })
      .then([requested]);
  });

  it('keeps the request fields in their order (the stored JSON), with now as requestedAt', () => {
    const [event] = decide({ type: 'RequestTicket', data: { ...fields, now: 100 } }, foldTicket([]));
    expect(Object.keys(event!.data)).toEqual([...Object.keys(fields), 'requestedAt']);
    expect(event!.data).not.toHaveProperty('now');
  });

  it('refuses to request the same ticket twice', () => {
    given([requested])
      .when({ type: 'RequestTicket', data: { ...fields, now: 200 } })
      .thenFails('TICKET.ALREADY_EXISTS');
  });

  it('attaches a file to an existing ticket, carrying its ticket id', () => {
    given([requested])
      .when({ type: 'AttachSupportFile', data: { ...file, now: 300 } })
      .then([{ type: 'SupportFileUploaded', data: { ...file, ticketId, uploadedAt: 300 } }]);
  });

  it('refuses a file for an unknown ticket', () => {
    given([])
      .when({ type: 'AttachSupportFile', data: { ...file, now: 300 } })
      .thenFails('TICKET.NOT_FOUND');
  });

  it('records a sync once; a redelivered identical result adds nothing', () => {
    const synced: TicketEvent = { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '9', syncedAt: 400 } };
    given([requested])
      .when({ type: 'RecordTicketSynced', data: { recordId, zendeskTicketId: '9', now: 400 } })
      .then([synced]);
    given([requested, synced])
      .when({ type: 'RecordTicketSynced', data: { recordId, zendeskTicketId: '9', now: 500 } })
      .then([]);
    given([requested, synced])
      .when({ type: 'RecordTicketSynced', data: { recordId, zendeskTicketId: '10', now: 500 } })
      .thenFails('TICKET.ALREADY_SYNCED');
  });

  it('records a sync failure, but not after a success', () => {
    const failed: TicketEvent = { type: 'TicketSyncFailed', data: { recordId, ticketId, reason: '503', attempts: 5, failedAt: 400 } };
    given([requested])
      .when({ type: 'RecordTicketSyncFailed', data: { recordId, reason: '503', attempts: 5, now: 400 } })
      .then([failed]);
    const synced: TicketEvent = { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '9', syncedAt: 300 } };
    given([requested, synced])
      .when({ type: 'RecordTicketSyncFailed', data: { recordId, reason: '503', attempts: 5, now: 400 } })
      .then([]);
  });
});

describe('ticket evolve', () => {
  it('keeps the latest file per type and the sync state', () => {
    const state = foldTicket([
      requested,
      { type: 'SupportFileUploaded', data: { ...file, ticketId, uploadedAt: 1 } },
      { type: 'SupportFileUploaded', data: { ...file, ticketId, blobKey: 'logs/k2', uploadedAt: 2 } },
      { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '9', syncedAt: 3 } },
      { type: 'TicketSyncFailed', data: { recordId, ticketId, reason: 'late', attempts: 1, failedAt: 4 } },
    ]);
    expect(state.status).toBe('open');
    if (state.status !== 'open') return;
    expect(state.files.LOG?.blobKey).toBe('logs/k2');
    expect(state.files.FEEDBACK_PHOTO).toBeUndefined();
    expect(state.sync).toEqual({ status: 'SYNCED', zendeskTicketId: '9', syncedAt: 3 });
  });
});

describe('Zendesk files and status', () => {
  const synced: TicketEvent = { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '9', syncedAt: 400 } };
  const fileSynced: TicketEvent = {
    type: 'SupportFileSynced',
    data: { recordId, ticketId, blobKey: 'logs/k', zendeskTicketId: '9', mode: 'LINK', syncedAt: 500 },
  };
  const status = (s: string, changedAt: number) => ({
    type: 'RecordTicketStatusChanged' as const,
    data: { recordId, zendeskTicketId: '9', status: s, changedAt },
  });
  const changed = (s: string, changedAt: number): TicketEvent => ({
    type: 'TicketStatusChanged',
    data: { recordId, ticketId, status: s, zendeskTicketId: '9', changedAt },
  });

  it('records a file sent to Zendesk once per blob', () => {
    const command = { type: 'RecordSupportFileSynced' as const, data: { recordId, blobKey: 'logs/k', zendeskTicketId: '9', mode: 'LINK' as const, now: 500 } };
    given([requested, synced]).when(command).then([fileSynced]);
    given([requested, synced, fileSynced])
      .when({ ...command, data: { ...command.data, now: 600 } })
      .then([]);
    given([]).when(command).thenFails('TICKET.NOT_FOUND');
  });

  it('records a status change, upper-cased', () => {
    given([requested, synced])
      .when(status('open', 1_000))
      .then([changed('OPEN', 1_000)]);
  });

  it('ignores a repeated delivery and an older report that arrives late', () => {
    given([requested, synced, changed('OPEN', 1_000)])
      .when(status('OPEN', 1_000))
      .then([]);
    given([requested, synced, changed('OPEN', 1_000)])
      .when(status('open', 2_000))
      .then([]);
    given([requested, synced, changed('SOLVED', 2_000)])
      .when(status('PENDING', 1_500))
      .then([]);
    given([requested, synced, changed('SOLVED', 2_000)])
      .when(status('OPEN', 3_000))
      .then([changed('OPEN', 3_000)]);
  });

  it('refuses a status for another Zendesk ticket, or for an unknown ticket', () => {
    given([requested, synced])
      .when({ ...status('OPEN', 1), data: { ...status('OPEN', 1).data, zendeskTicketId: '10' } })
      .thenFails('TICKET.ZENDESK_MISMATCH');
    given([]).when(status('OPEN', 1)).thenFails('TICKET.NOT_FOUND');
  });

  it('accepts a status before our TicketSynced is written (crash between Zendesk 201 and our append)', () => {
    given([requested])
      .when(status('NEW', 1))
      .then([changed('NEW', 1)]);
  });

  it('folds status and synced files into the state', () => {
    const state = foldTicket([requested, synced, fileSynced, fileSynced, changed('SOLVED', 7)]);
    expect(state.status === 'open' && state.zendeskFiles).toEqual(['logs/k']);
    expect(state.status === 'open' && state.zendeskStatus).toEqual({ status: 'SOLVED', changedAt: 7 });
  });
});
