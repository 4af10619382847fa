import { describe, expect, it } from 'vitest';
import type { BusMessage } from '@support-desk/event-bus';
import { ticketMessage } from '@support-desk/event-bus/testing';
import { InMemoryTicketReadModel } from '@support-desk/read-model';
import { projectTicketEvent } from './ticket-search.projection';

function at(message: BusMessage, revision: number, recordId: string): BusMessage {
  return { ...message, event: { ...message.event, revision, data: { ...message.event.data, recordId } } };
}

describe('ticket search projection', () => {
  it('folds events into the read model and ignores redeliveries', async () => {
    const readModel = new InMemoryTicketReadModel();
    const requested = at(ticketMessage('t-1', 'TicketRequested'), 0, 'r-1');
    const synced = at(ticketMessage('t-1', 'TicketSynced', { zendeskTicketId: '77' }), 1, 'r-1');
    await projectTicketEvent(readModel, requested);
    await projectTicketEvent(readModel, synced);
    await projectTicketEvent(readModel, requested); // redelivered: must not reset the sync
    await projectTicketEvent(readModel, synced);
    const view = await readModel.get('r-1');
    expect(view?.revision).toBe(1);
    expect(view?.ticket.sync).toMatchObject({ status: 'SYNCED', zendeskTicketId: '77' });
    expect((await readModel.search({ zendeskTicketId: '77' }, { offset: 0, limit: 5 })).total).toBe(1);
  });

  it('refuses (so the bus retries) an event whose ticket it has not seen', async () => {
    const readModel = new InMemoryTicketReadModel();
    await expect(projectTicketEvent(readModel, at(ticketMessage('t-2', 'TicketSynced'), 1, 'r-2'))).rejects.toThrow(/No projected ticket/);
  });

  it('skips event types it does not know', async () => {
    const readModel = new InMemoryTicketReadModel();
    await projectTicketEvent(readModel, at(ticketMessage('t-3', 'SomethingNew'), 0, 'r-3'));
    expect(await readModel.get('r-3')).toBeNull();
  });
});
