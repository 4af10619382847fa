import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithRealServer, findPostgres, runId } from '@support-desk/service-kit/testing';
import { EventStoreUnavailableError, WrongExpectedRevisionError, type RecordedEvent } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { dropSchema, uniqueSchema } from './postgres-test-support';

// What the shared contract does not pin but this adapter promises.
describeWithRealServer('PostgresEventStore specifics', await findPostgres(), (endpoint) => {
  const schema = uniqueSchema('adapter');
  const opened: PostgresEventStore[] = [];
  let store: PostgresEventStore;

  async function open(options: Parameters<typeof PostgresEventStore.connect>[1] = {}): Promise<PostgresEventStore> {
    const s = await PostgresEventStore.connect(endpoint().url, { schema, poolSize: 4, ...options });
    opened.push(s);
    return s;
  }

  beforeAll(async () => {
    store = await open({ now: () => 1_700_000_000_123 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await dropSchema(endpoint().url, schema);
  });

  it('stores data byte for byte: key order, NUL and other escapes, unicode, big and small numbers', async () => {
    const data = { z: 1, a: 'nul \u0000 here', quote: '"\\', emoji: 'ticket 🎫 ÿ', nested: { b: [1, 'x', null], a: true }, big: 2 ** 53 - 1, tiny: 1e-7 };
    const stream = `bytes${runId()}`;
    await store.append(stream, [{ type: 'T', data, metadata: { correlationId: 'c' } }], { expectedRevision: 'no_stream' });
    const [read] = await store.readStream(stream);
    expect(JSON.stringify(read!.data)).toBe(JSON.stringify(data));
    expect(read!.metadata).toEqual({ correlationId: 'c' });
    expect(read!.recordedAt).toBe(1_700_000_000_123);
  });

  it('lets every concurrent append with expectedRevision any succeed, with consecutive revisions', async () => {
    const stream = `any${runId()}`;
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => store.append(stream, [{ type: 'A', data: { n } }], { expectedRevision: 'any' })));
    expect(results.map((r) => r.nextExpectedRevision).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reports the actual revision to a loser, for the command handler to retry', async () => {
    const stream = `lost${runId()}`;
    await store.append(
      stream,
      [
        { type: 'A', data: {} },
        { type: 'B', data: {} },
      ],
      { expectedRevision: 'no_stream' },
    );
    const error = await store.append(stream, [{ type: 'C', data: {} }], { expectedRevision: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
  });

  it('refuses an event id that is already stored, writing nothing', async () => {
    const id = randomUUID();
    await store.append(`dup${runId()}`, [{ id, type: 'A', data: {} }], { expectedRevision: 'any' });
    const other = `dup${runId()}`;
    await expect(
      store.append(
        other,
        [
          { type: 'B', data: {} },
          { id, type: 'A', data: {} },
        ],
        { expectedRevision: 'any' },
      ),
    ).rejects.toThrow(/already stored/);
    expect(await store.readStream(other)).toEqual([]);
  });

  it('refuses another adapter’s position when subscribing', () => {
    expect(() => store.subscribeToAll({ fromPosition: '1234' }, async () => undefined)).toThrow(/Not a PostgreSQL event store position/);
  });

  it('sets synchronous_commit from the durability choice, and the statement timeout', async () => {
    const show = async (s: PostgresEventStore, setting: string) => (await s.pool.query(`SHOW ${setting}`)).rows[0]![setting] as string;
    expect(await show(store, 'synchronous_commit')).toBe('on');
    expect(await show(store, 'statement_timeout')).toBe('10s');
    const relaxed = await open({ durability: 'os', statementTimeoutMs: 1234 });
    expect(await show(relaxed, 'synchronous_commit')).toBe('off');
    expect(await show(relaxed, 'statement_timeout')).toBe('1234ms');
  });

  it('turns a statement timeout into EventStoreUnavailableError', async () => {
    const impatient = await open({ statementTimeoutMs: 100 });
    await expect(impatient.query('sleeping', { name: 'test_sleep', text: 'SELECT pg_sleep(1)' }, [])).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('wakes a live subscription through NOTIFY when another process appends, without polling', async () => {
    const prefix = `notify${runId()}-`;
    const follower = await open({ pollIntervalMs: 600_000 });
    const otherProcess = await open();
    const seen: RecordedEvent[] = [];
    const sub = follower.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      await sleep(300); // caught up and asleep; its next poll is 10 minutes away
      await otherProcess.append(`${prefix}s`, [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' });
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 3_000 });
    } finally {
      await sub.stop();
    }
  });

  it("does not wake a prefix subscription for another prefix's appends (the NOTIFY names the stream)", async () => {
    const prefix = `quiet${runId()}-`;
    const follower = await open({ pollIntervalMs: 600_000 });
    const otherProcess = await open();
    const reads = vi.spyOn(follower, 'readPrefixAfter');
    const seen: RecordedEvent[] = [];
    const sub = follower.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      await sleep(300); // caught up and asleep
      const before = reads.mock.calls.length;
      for (let i = 0; i < 5; i++) await otherProcess.append(`busy${runId()}-${i}`, [{ type: 'B', data: {} }], { expectedRevision: 'no_stream' });
      await follower.append(`busy${runId()}-local`, [{ type: 'B', data: {} }], { expectedRevision: 'no_stream' });
      await sleep(300);
      expect(reads.mock.calls.length).toBe(before);
      // Its own streams still wake it at once.
      await otherProcess.append(`${prefix}s`, [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' });
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 3_000 });
    } finally {
      await sub.stop();
      reads.mockRestore();
    }
  });

  it('still finds, by its slow poll, an event written without a NOTIFY', async () => {
    const prefix = `poll${runId()}-`;
    const follower = await open({ pollIntervalMs: 300 });
    const seen: RecordedEvent[] = [];
    const sub = follower.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      await sleep(100);
      await store.pool.query(
        `INSERT INTO ${store.tables.events} (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES ($1, $2, 0, 'A', '{}', '{}', now())`,
        [randomUUID(), `${prefix}s`],
      );
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 2_000 });
    } finally {
      await sub.stop();
    }
  });

  it('refuses to start on events whose transaction ids this cluster has not reached (a dump restored elsewhere)', async () => {
    const restored = uniqueSchema('restored');
    const first = await PostgresEventStore.connect(endpoint().url, { schema: restored });
    try {
      // As a dump from a busier cluster would bring: ids this one has not handed out yet.
      await first.pool.query(
        `INSERT INTO ${first.tables.events} (transaction_id, event_id, stream_id, revision, type, data, metadata, recorded_at)
         VALUES ((pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)::text::xid8, $1, 's', 0, 'A', '{}', '{}', now())`,
        [randomUUID()],
      );
    } finally {
      await first.close();
    }
    try {
      await expect(PostgresEventStore.connect(endpoint().url, { schema: restored })).rejects.toThrow(/sort before them/);
    } finally {
      await dropSchema(endpoint().url, restored);
    }
  });
});
