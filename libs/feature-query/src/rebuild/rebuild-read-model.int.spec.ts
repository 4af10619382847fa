import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketEvent } from '@support-desk/contracts';
import type { EventSubscription } from '@support-desk/event-store';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { SqliteTicketReadModel } from '@support-desk/read-model/sqlite';
import { TicketSearchProjection } from '../ticket-search.projection';
import { evolveTicketView } from '../ticket-view.evolve';
import { rebuildReadModel, type RebuildProgress } from './rebuild-read-model';
import { answers, append, history, referenceAnswers } from './rebuild-test-histories';

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

  const expected = () => referenceAnswers(store);

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
