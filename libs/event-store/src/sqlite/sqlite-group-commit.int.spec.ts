import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError } from '../event-store.port';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { SqliteEventStore } from './sqlite-event-store';

const event = (n: number, id?: string) => ({ id, type: 'Happened', data: { n } });

describe('SqliteEventStore group commit', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'es-group-commit-'));
    path = join(dir, 'events.db');
    store = new SqliteEventStore(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes concurrent appends to different streams in one transaction', async () => {
    const before = store.commitStats.commits;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s-${i}`, [event(i)], { expectedRevision: 'no_stream' })));
    expect(store.commitStats.commits - before).toBe(1);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(Array(20).fill(0));
    expect(new Set(results.map((r) => r.position)).size).toBe(20);
    for (let i = 0; i < 20; i++) expect((await store.readStream(`s-${i}`)).map((e) => e.data.n)).toEqual([i]);
  });

  it('answers a caller only once its batch is committed (another connection sees it)', async () => {
    await store.append('seen', [event(1)], { expectedRevision: 'no_stream' });
    const other = new Database(path, { readonly: true });
    try {
      expect(other.prepare('SELECT COUNT(*) AS n FROM events WHERE stream_id = ?').get('seen')).toEqual({ n: 1 });
    } finally {
      other.close();
    }
  });

  it('fails only the append whose revision check fails; the rest of the batch commits', async () => {
    const before = store.commitStats.commits;
    const [first, loser, other] = await Promise.allSettled([
      store.append('race', [event(1)], { expectedRevision: 'no_stream' }),
      store.append('race', [event(2), event(3)], { expectedRevision: 'no_stream' }),
      store.append('bystander', [event(4)], { expectedRevision: 'no_stream' }),
    ]);
    expect(store.commitStats.commits - before).toBe(1);
    expect(first.status).toBe('fulfilled');
    expect(other.status).toBe('fulfilled');
    expect(loser.status).toBe('rejected');
    expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((loser as PromiseRejectedResult).reason).toMatchObject({ expected: 'no_stream', actual: 0 });
    expect((await store.readStream('race')).map((e) => e.data.n)).toEqual([1]);
    expect((await store.readStream('bystander')).map((e) => e.data.n)).toEqual([4]);
  });

  it('checks a revision against earlier appends of the same batch', async () => {
    const results = await Promise.all([
      store.append('chain', [event(1)], { expectedRevision: 'no_stream' }),
      store.append('chain', [event(2), event(3)], { expectedRevision: 0 }),
      store.append('chain', [event(4)], { expectedRevision: 2 }),
    ]);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 2, 3]);
    expect((await store.readStream('chain')).map((e) => [e.revision, e.data.n])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it("refuses 'no_stream' on a stream committed earlier (also by another connection) without touching it, and keeps its batch", async () => {
    await store.append('old', [event(1), event(2), event(3)], { expectedRevision: 'no_stream' });
    const other = new SqliteEventStore(path);
    try {
      await other.append('theirs', [event(9)], { expectedRevision: 'no_stream' });
    } finally {
      await other.close();
    }
    const before = store.commitStats.commits;
    const [single, several, theirs, bystander] = await Promise.allSettled([
      store.append('old', [event(4)], { expectedRevision: 'no_stream' }),
      store.append('old', [event(5), event(6)], { expectedRevision: 'no_stream' }),
      store.append('theirs', [event(7)], { expectedRevision: 'no_stream' }),
      store.append('new', [event(8)], { expectedRevision: 'no_stream' }),
    ]);
    expect(store.commitStats.commits - before).toBe(1);
    for (const [refused, actual] of [
      [single, 2],
      [several, 2],
      [theirs, 0],
    ] as const) {
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ expected: 'no_stream', actual });
    }
    expect(bystander).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0 } });
    expect((await store.readStream('old')).map((e) => e.data.n)).toEqual([1, 2, 3]);
    expect((await store.readStream('theirs')).map((e) => e.data.n)).toEqual([9]);
    expect((await store.readStream('new')).map((e) => e.data.n)).toEqual([8]);
  });

  it('gives a taken event id on a new stream its own error, not a revision conflict', async () => {
    await store.append('first', [event(1, 'same-id')], { expectedRevision: 'no_stream' });
    const append = store.append('second', [event(2, 'same-id')], { expectedRevision: 'no_stream' });
    await expect(append).rejects.toThrow(/UNIQUE constraint failed: events.event_id/);
    await expect(append).rejects.not.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream('second')).toEqual([]);
  });

  it('leaves no partial events when an append fails halfway, and keeps its batch', async () => {
    await store.append('taken', [event(0, 'dup-id')], { expectedRevision: 'no_stream' });
    const [half, bystander] = await Promise.allSettled([
      // The second event's id is taken: the first must not stay behind.
      store.append('half', [event(1), event(2, 'dup-id')], { expectedRevision: 'no_stream' }),
      store.append('fine', [event(3)], { expectedRevision: 'no_stream' }),
    ]);
    expect(half.status).toBe('rejected');
    expect(String((half as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(bystander.status).toBe('fulfilled');
    expect(await store.readStream('half')).toEqual([]);
    expect(await store.readStream('fine')).toHaveLength(1);
    // The stream is still free for a correct append.
    await expect(store.append('half', [event(5)], { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0 });
  });

  it('fails every append of a batch that cannot commit, and writes none of them', async () => {
    store.database.pragma('busy_timeout = 50');
    const blocker = new Database(path);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const results = await Promise.allSettled([
        store.append('blocked-a', [event(1)], { expectedRevision: 'any' }),
        store.append('blocked-b', [event(2)], { expectedRevision: 'any' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await store.readStream('blocked-a')).toEqual([]);
    expect(await store.readStream('blocked-b')).toEqual([]);
  });

  it('wakes subscribers once per committed batch, after the commit', async () => {
    const seen: number[] = [];
    const sub = store.subscribeToAll({}, async (e) => {
      // Delivered events are already committed: another connection can read them.
      const other = new Database(path, { readonly: true });
      try {
        expect(other.prepare('SELECT COUNT(*) AS n FROM events WHERE event_id = ?').get(e.id)).toEqual({ n: 1 });
      } finally {
        other.close();
      }
      seen.push(e.data.n as number);
    });
    await Promise.all([1, 2, 3].map((n) => store.append(`live-${n}`, [event(n)], { expectedRevision: 'no_stream' })));
    await expect.poll(() => seen).toEqual([1, 2, 3]);
    await sub.stop();
  });

  it('commits a checkpoint in the same transaction as the appends beside it', async () => {
    const checkpoints = new SqliteCheckpointStore(store.database);
    const before = store.commitStats.commits;
    const [appended] = await Promise.all([
      store.append('cp', [event(1)], { expectedRevision: 'no_stream' }),
      checkpoints.store('relay', '41'),
      store.append('cp-2', [event(2)], { expectedRevision: 'no_stream' }),
    ]);
    expect(store.commitStats.commits - before).toBe(1);
    expect(appended.nextExpectedRevision).toBe(0);
    expect(await checkpoints.load('relay')).toBe('41');
  });

  it('keeps checkpoints on a connection of their own working without a store', async () => {
    const checkpoints = new SqliteCheckpointStore(join(dir, 'checkpoints.db'));
    await checkpoints.store('relay', '7');
    expect(await checkpoints.load('relay')).toBe('7');
  });

  it('writes appends still queued when it is closed', async () => {
    const pending = store.append('late', [event(1)], { expectedRevision: 'no_stream' });
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 0 });
    store = new SqliteEventStore(path);
    expect(await store.readStream('late')).toHaveLength(1);
  });
});

describe('SqliteEventStore durability', () => {
  const synchronous = (store: SqliteEventStore) => store.database.pragma('synchronous', { simple: true });

  it('fsyncs every commit by default (synchronous=FULL)', async () => {
    const store = new SqliteEventStore(':memory:');
    expect(synchronous(store)).toBe(2);
    await store.close();
  });

  it.each([
    ['fsync', 2],
    ['os', 1],
  ] as const)('durability %s sets synchronous=%i', async (durability, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'es-durability-'));
    const store = new SqliteEventStore(join(dir, 'events.db'), { durability });
    try {
      expect(synchronous(store)).toBe(expected);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
