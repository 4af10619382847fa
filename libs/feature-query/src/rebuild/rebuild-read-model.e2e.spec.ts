import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { MongoTicketReadModel } from '@support-desk/read-model/mongodb';
import { describeWithRealServer, findMongo, runId } from '@support-desk/service-kit/testing';
import { TicketSearchProjection } from '../ticket-search.projection';
import { rebuildReadModel } from './rebuild-read-model';
import { answers, append, history, referenceAnswers } from './rebuild-test-histories';

const database = `supportdesk_rebuild_e2e_${runId()}`;

describeWithRealServer('rebuildReadModel into MongoDB wire', await findMongo(), (endpoint) => {
  let dir: string;
  let store: SqliteEventStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rm-rebuild-e2e-'));
    store = new SqliteEventStore(join(dir, 'events.db'), { durability: 'os', pollIntervalMs: 5 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('rebuilds while the live projection writes, and a second process follows the switch; searches answer what the events say', async () => {
    for (let n = 0; n < 120; n++) await append(store, history(n));
    const options = { url: endpoint().url, database, aliasPollMs: 100 };
    const rebuilder = await MongoTicketReadModel.connect(options);
    const server = await MongoTicketReadModel.connect(options); // query-service, another process
    const projection = new TicketSearchProjection(server);
    const live = store.subscribeToAll({ streamPrefix: 'support-ticket-' }, (event) => projection.project({ key: event.streamId, event }));
    try {
      let writing = true;
      const writer = (async () => {
        for (let n = 120; writing && n < 220; n++) await append(store, history(n));
      })();
      const before = server.collectionName;
      const done = await rebuildReadModel({ eventStore: store, readModel: rebuilder, batchSize: 25, cacheSize: 10 });
      writing = false;
      await writer;
      expect(done.phase).toBe('done');
      await expect.poll(() => server.collectionName, { timeout: 5_000 }).not.toBe(before);
      const expected = JSON.stringify(await referenceAnswers(store));
      await expect.poll(async () => JSON.stringify(await answers(server)), { timeout: 20_000, interval: 500 }).toBe(expected);
      expect(JSON.stringify(await answers(rebuilder))).toBe(expected);
    } finally {
      await live.stop();
      await server.close();
      await rebuilder.close();
    }
  });
});
