import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithRealServer, findPostgres, runId } from '@support-desk/service-kit/testing';
import type { EventSubscription, RecordedEvent } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { START, comparePositions, decodePosition } from './postgres-position';
import { appendValues, statements } from './postgres-statements';
import { dropSchema, uniqueSchema } from './postgres-test-support';

/**
 * "No subscriber ever skips an event." Positions come from a sequence, and
 * transactions commit in any order: writer A takes position 10 and holds its
 * transaction open, writer B takes 11 and commits. A reader that delivered 11 and
 * moved its checkpoint would never see 10. These tests commit out of order on
 * purpose, on separate connections, and fail against a reader that simply reads
 * "global_position > last".
 */
describeWithRealServer('PostgresEventStore ordering under concurrent writers', await findPostgres(), (endpoint) => {
  const schema = uniqueSchema('order');
  let reader: PostgresEventStore;
  let writer: PostgresEventStore;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    reader = await PostgresEventStore.connect(endpoint().url, { schema, poolSize: 2 });
    // Another pool, as another process would have.
    writer = await PostgresEventStore.connect(endpoint().url, { schema, poolSize: 2 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await reader?.close();
    await writer?.close();
    await dropSchema(endpoint().url, schema);
  });

  /** A connection of its own, on which a test opens a transaction and holds it. */
  async function connection(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: endpoint().url });
    await client.connect();
    clients.push(client);
    return client;
  }

  /** The adapter's own append statement, run inside the caller's open transaction. */
  async function appendIn(client: pg.Client, streamId: string, types: string[]): Promise<{ lastPosition: bigint }> {
    const events = types.map((type, i) => ({ type, data: { i } }));
    const values = appendValues(streamId, events, 'no_stream', Date.now(), reader.tables.channel);
    const { rows } = await client.query<{ last_position: string }>({ text: statements(reader.tables).append.text, values });
    return { lastPosition: BigInt(rows[0]!.last_position) };
  }

  it('holds back a later commit until an earlier open transaction ends, then delivers both in order, once', async () => {
    const prefix = `held${runId()}-`;
    const seen: RecordedEvent[] = [];
    const sub = reader.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      const a = await connection();
      await a.query('BEGIN');
      const fromA = await appendIn(a, `${prefix}a`, ['A']);
      // B: another connection takes a later position and commits first.
      const fromB = await writer.append(`${prefix}b`, [{ type: 'B', data: {} }], { expectedRevision: 'no_stream' });
      expect(fromA.lastPosition).toBeLessThan(decodePosition(fromB.position).globalPosition);

      // Delivering B now would lose A for good.
      await sleep(500);
      expect(seen.map((e) => e.type)).toEqual([]);

      await a.query('COMMIT');
      await vi.waitFor(() => expect(seen.map((e) => e.type)).toEqual(['A', 'B']), { timeout: 5_000 });
      await sleep(300);
      expect(seen.map((e) => e.type)).toEqual(['A', 'B']);
      expect(comparePositions(decodePosition(seen[0]!.position), decodePosition(seen[1]!.position))).toBeLessThan(0);
      expect(seen[1]!.position).toBe(fromB.position);
    } finally {
      await sub.stop();
    }
  });

  it('counts as held back, for a prefix, only events of streams with that prefix', async () => {
    const other = `other${runId()}-`;
    const a = await connection();
    await a.query('BEGIN');
    try {
      await appendIn(a, `${other}a`, ['A']);
      await writer.append(`${other}b`, [{ type: 'B', data: {} }], { expectedRevision: 'no_stream' });
      // B waits for A's transaction: held back for every reader, but not one of `mine` (a relay of erasure events).
      expect(await reader.hasHeldBackEvents(START)).toBe(true);
      expect(await reader.hasHeldBackEvents(START, other)).toBe(true);
      expect(await reader.hasHeldBackEvents(START, `mine${runId()}-`)).toBe(false);
    } finally {
      await a.query('ROLLBACK');
    }
  });

  it('tells a prefix read how far it looked (the newest readable event of any stream, never past a held-back one) and whether some are held back', async () => {
    const mine = `mine${runId()}-`;
    const other = `busy${runId()}-`;
    const start = await writer.append(`${other}0`, [{ type: 'O', data: {} }], { expectedRevision: 'no_stream' });
    const own = await writer.append(`${mine}a`, [{ type: 'M', data: {} }], { expectedRevision: 'no_stream' });
    const last = await writer.append(`${other}1`, [{ type: 'O', data: {} }], { expectedRevision: 'no_stream' });
    const read = await reader.readPrefixAfter(decodePosition(start.position), 10, mine);
    expect(read.events.map((e) => e.position)).toEqual([own.position]);
    expect(read.scannedTo).toEqual(decodePosition(last.position));
    expect(read.heldBack).toBe(false);
    // Nothing readable after it: no marker, the reader stays where it is.
    expect((await reader.readPrefixAfter(decodePosition(last.position), 10, mine)).scannedTo).toBeUndefined();

    const a = await connection();
    await a.query('BEGIN');
    try {
      await appendIn(a, `${other}held`, ['H']);
      const later = await writer.append(`${mine}b`, [{ type: 'M', data: {} }], { expectedRevision: 'no_stream' });
      const held = await reader.readPrefixAfter(decodePosition(last.position), 10, mine);
      expect(held.events).toEqual([]);
      expect(held.heldBack).toBe(true); // asked in the same round trip: the subscription polls again soon
      // `later` committed but waits behind the open transaction: the read must not move past it.
      expect(held.scannedTo === undefined || comparePositions(held.scannedTo, decodePosition(later.position)) < 0).toBe(true);
    } finally {
      await a.query('ROLLBACK');
    }
  });

  it('delivers every committed event exactly once, in position order, to a live and to a restarting subscriber', async () => {
    const prefix = `many${runId()}-`;
    const WRITERS = 6;
    const APPENDS = 20;
    const live: RecordedEvent[] = [];
    const liveSub = reader.subscribeToAll({ streamPrefix: prefix }, async (e) => void live.push(e));
    // Stops and resumes from its last handled position every 50 ms, like a relay
    // restarting from its checkpoint.
    const restarting = restartingSubscriber(reader, prefix, 50);

    const committed: string[] = [];
    let expectedEvents = 0;
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => connection()));
    await Promise.all(
      writers.map(async (client, w) => {
        for (let i = 0; i < APPENDS; i++) {
          await client.query('BEGIN');
          const stream = `${prefix}w${w}-${i}`;
          const types = i % 3 === 0 ? ['X', 'Y'] : ['X'];
          await appendIn(client, stream, types);
          await sleep(Math.random() * 15); // others take later positions and commit meanwhile
          if (i % 7 === 3) {
            await client.query('ROLLBACK'); // leaves a gap in the positions; never delivered
          } else {
            await client.query('COMMIT');
            committed.push(stream);
            expectedEvents += types.length;
          }
        }
      }),
    );

    await vi.waitFor(() => expect(live.length).toBeGreaterThanOrEqual(expectedEvents), { timeout: 15_000 });
    await vi.waitFor(() => expect(restarting.seen.length).toBeGreaterThanOrEqual(expectedEvents), { timeout: 15_000 });
    await sleep(300);
    await liveSub.stop();
    await restarting.stop();

    for (const seen of [live, restarting.seen]) {
      expect(seen).toHaveLength(expectedEvents);
      expect(new Set(seen.map((e) => e.id)).size).toBe(expectedEvents);
      expect(new Set(seen.map((e) => e.streamId))).toEqual(new Set(committed));
      for (let i = 1; i < seen.length; i++) {
        expect(comparePositions(decodePosition(seen[i - 1]!.position), decodePosition(seen[i]!.position))).toBeLessThan(0);
      }
    }
  });
});

function restartingSubscriber(store: PostgresEventStore, prefix: string, everyMs: number) {
  const seen: RecordedEvent[] = [];
  let sub: EventSubscription | undefined;
  let stopped = false;
  const subscribe = () => {
    const fromPosition = seen.at(-1)?.position;
    sub = store.subscribeToAll({ fromPosition, streamPrefix: prefix }, async (e) => void seen.push(e));
  };
  subscribe();
  const cycling = (async () => {
    while (!stopped) {
      await sleep(everyMs);
      await sub?.stop();
      if (!stopped) subscribe();
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped = true;
      await cycling;
      await sub?.stop();
    },
  };
}
