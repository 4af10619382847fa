import { randomUUID } from 'node:crypto';
import { ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import type { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { InMemoryTicketReadModel, type TicketReadModel, type TicketSearchQuery } from '@support-desk/read-model';
import { pageAll } from '@support-desk/read-model/testing';
import { TicketSearchProjection } from '../ticket-search.projection';

// Ticket histories and searches for the rebuild suites (int on SQLite, e2e on FerretDB).

/** A ticket's history: requested, then (by its number) synced or failed, a log, a status. */
export function history(n: number): TicketEvent[] {
  const recordId = randomUUID();
  const ticketId = randomUUID();
  const events: TicketEvent[] = [
    {
      type: 'TicketRequested',
      data: {
        recordId,
        ticketId,
        uuid: `user-${n % 7}`,
        udid: `DEVICE-${n % 5}`,
        subject: n % 3 ? 'App crashes' : 'Cannot log in',
        message: `Ticket number ${n}`,
        email: `u${n % 7}@example.com`,
        name: null,
        category: n % 2 ? 'crash' : 'login',
        phone: null,
        images: [],
        requestedAt: 1_700_000_000_000 + n * 60_000,
      },
    },
  ];
  if (n % 4 === 0) events.push({ type: 'TicketSyncFailed', data: { recordId, ticketId, reason: '503', attempts: 5, failedAt: 1 } });
  else events.push({ type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: String(1000 + n), syncedAt: 1 } });
  if (n % 3 === 0)
    events.push({
      type: 'SupportFileUploaded',
      data: { recordId, ticketId, fileType: 'LOG', blobKey: 'k', fileName: 'a.log', contentType: 'text/plain', size: 1, uploadedAt: 2 },
    });
  if (n % 4 !== 0 && n % 5 === 0)
    events.push({ type: 'TicketStatusChanged', data: { recordId, ticketId, status: 'solved', zendeskTicketId: String(1000 + n), changedAt: 3 } });
  return events;
}

export async function append(store: SqliteEventStore, events: TicketEvent[]): Promise<void> {
  const recordId = events[0]!.data.recordId;
  for (const [revision, event] of events.entries()) {
    await store.append(ticketStreamId(recordId), [{ type: event.type, data: event.data }], { expectedRevision: revision === 0 ? 'no_stream' : revision - 1 });
  }
}

export const QUERIES: TicketSearchQuery[] = [
  {},
  { uuid: 'user-3' },
  { syncStatus: 'FAILED' },
  { ticketStatus: 'solved' },
  { q: 'log' },
  { category: 'crash', syncStatus: 'SYNCED' },
];

export async function answers(readModel: TicketReadModel): Promise<string[][]> {
  return Promise.all(QUERIES.map((q) => pageAll(readModel, q, 50)));
}

/** What a correct read model answers: every event folded by the live projection into a fresh one. */
export async function referenceAnswers(store: SqliteEventStore): Promise<string[][]> {
  const reference = new InMemoryTicketReadModel();
  const projection = new TicketSearchProjection(reference);
  for (const event of store.readAllAfter(0, 1_000_000, 'support-ticket-')) await projection.project({ key: event.streamId, event });
  return answers(reference);
}
