import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import type { EventSubscription } from '@support-desk/event-store';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { InMemoryTicketReadModel, type TicketReadModel, type TicketSearchQuery } from '@support-desk/read-model';
import { SqliteTicketReadModel } from '@support-desk/read-model/sqlite';
import { pageAll } from '@support-desk/read-model/testing';
import { TicketSearchProjection } from '../ticket-search.projection';
import { evolveTicketView } from '../ticket-view.evolve';
import { rebuildReadModel, type RebuildProgress } from './rebuild-read-model';

/** A ticket's history: requested, then (by its number) synced or failed, a log, a status. */
function history(n: number): TicketEvent[] {
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

async function append(store: SqliteEventStore, events: TicketEvent[]): Promise<void> {
  const recordId = events[0]!.data.recordId;
  for (const [revision, event] of events.entries()) {
    await store.append(ticketStreamId(recordId), [{ type: event.type, data: event.data }], { expectedRevision: revision === 0 ? 'no_stream' : revision - 1 });
  }
}

const QUERIES: TicketSearchQuery[] = [
  {},
  { uuid: 'user-3' },
  { syncStatus: 'FAILED' },
  { ticketStatus: 'solved' },
  { q: 'log' },
  { category: 'crash', syncStatus: 'SYNCED' },
];

async function answers(readModel: TicketReadModel): Promise<string[][]> {
  return Promise.all(QUERIES.map((q) => pageAll(readModel, q, 50)));
}

describe('rebuildReadModel (SQLite event store → SQLite read model)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readModel: SqliteTicketReadModel;
  let live: EventSubscription | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-rebuild-'));
    store = new SqliteEventStore(join(dir, 'events.db'), { durability: 'os', pollIntervalMs: 5 });
    readModel = new SqliteTicketReadModel(join(dir, 'read-model.db'));
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await readModel.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a correct read model answers: every event folded by the live projection into a fresh one. */
  async function expected(): Promise<string[][]> {
    const reference = new InMemoryTicketReadModel();
    const projection = new TicketSearchProjection(reference);
    for (const event of store.readAllAfter(0, 1_000_000, 'support-ticket-')) await projection.project({ key: event.streamId, event });
    return answers(reference);
  }

  it('rebuilds a read model that lost or garbled views into the one the events say, and searches find the same', async () => {
    const histories = Array.from({ length: 240 }, (_, n) => history(n));
    for (const h of histories) await append(store, h);
    // The live read model is wrong: half the tickets missing, the rest stuck at their first event.
    for (const h of histories.filter((_, n) => n % 2)) {
      const first = h[0]!.data as Extract<TicketEvent, { type: 'TicketRequested' }>['data'];
      await readModel.upsert({ view: { ...evolveTicketView(null, { type: 'TicketRequested', data: first })!, subject: 'garbled' }, revision: 0 });
    }
    const reports: RebuildProgress[] = [];
    const result = await rebuildReadModel({
      eventStore: store,
      readModel,
      batchSize: 64,
      cacheSize: 50,
      onProgress: (p) => reports.push(p),
      totalEvents: async () => 999,
    });
    expect(result).toMatchObject({ phase: 'done', tickets: 240, orphans: 0, duplicates: 0, totalEvents: 999 });
    expect(result.events).toBe(histories.flat().length);
    expect(reports.at(-1)?.phase).toBe('done');
    expect(await answers(readModel)).toEqual(await expected());
    expect((await readModel.search({ q: 'garbled' }, { offset: 0, limit: 5 })).total).toBe(0);
  });

  it('includes events appended while it runs, and loses none of those the live projection wrote meanwhile', async () => {
    for (let n = 0; n < 150; n++) await append(store, history(n));
    // The live projection keeps running on the same read model, as in `npm start`.
    const projection = new TicketSearchProjection(readModel);
    live = store.subscribeToAll({ streamPrefix: 'support-ticket-' }, (event) => projection.project({ key: event.streamId, event }));
    let writing = true;
    const writer = (async () => {
      for (let n = 150; writing && n < 400; n++) {
        await append(store, history(n));
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await rebuildReadModel({ eventStore: store, readModel, batchSize: 32, cacheSize: 20 });
    writing = false;
    await writer;
    await expect.poll(async () => JSON.stringify(await answers(readModel)), { timeout: 10_000 }).toBe(JSON.stringify(await expected()));
  });

  it('leaves the live read model as it was when interrupted', async () => {
    for (let n = 0; n < 50; n++) await append(store, history(n));
    const kept = evolveTicketView(null, history(1)[0]!)!;
    await readModel.upsert({ view: kept, revision: 0 });
    const abort = new AbortController();
    const running = rebuildReadModel({ eventStore: store, readModel, signal: abort.signal, onProgress: () => abort.abort() });
    abort.abort();
    await expect(running).rejects.toThrow(/interrupted/);
    expect((await readModel.search({}, { offset: 0, limit: 100 })).items.map((v) => v.recordId)).toEqual([kept.recordId]);
  });
});
