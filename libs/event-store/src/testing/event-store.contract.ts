import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError, type CheckpointStore, type EventStore, type RecordedEvent } from '../event-store.port';

export type EventStoreFactory = () => Promise<{ store: EventStore; checkpoints: CheckpointStore; cleanup?: () => Promise<void> }>;

const event = (type: string, n: number) => ({ type, data: { n } });

/** expect.poll options for events to reach a subscription. */
const arrival = { timeout: 10_000, interval: 10 } as const;

/**
 * The one behaviour every EventStore adapter must show. Run it with an adapter
 * factory: `eventStoreContract('sqlite', async () => ...)`.
 */
export function eventStoreContract(adapterName: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;
    let checkpoints: CheckpointStore;
    let cleanup: (() => Promise<void>) | undefined;
    // Unique prefix per test so adapters backed by a shared server don't see each other's streams.
    let prefix: string;

    beforeEach(async () => {
      ({ store, checkpoints, cleanup } = await factory());
      prefix = `contract${randomUUID().replace(/-/g, '')}-`;
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('appends to a new stream and reads it back in order', async () => {
      const stream = `${prefix}a`;
      const result = await store.append(stream, [event('A', 1), event('B', 2)], { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(1);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.type, e.data.n, e.revision, e.streamId])).toEqual([
        ['A', 1, 0, stream],
        ['B', 2, 1, stream],
      ]);
      expect(read[0]!.id).toMatch(/[0-9a-f-]{36}/);
    });

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream(`${prefix}missing`)).toEqual([]);
    });

    it('keeps the given event id and metadata', async () => {
      const id = randomUUID();
      await store.append(`${prefix}m`, [{ id, type: 'A', data: { x: 'y' }, metadata: { correlationId: 'c-1' } }], { expectedRevision: 'any' });
      const [read] = await store.readStream(`${prefix}m`);
      expect(read).toMatchObject({ id, type: 'A', data: { x: 'y' }, metadata: { correlationId: 'c-1' } });
    });

    it('refuses an append with the wrong expected revision and writes nothing', async () => {
      const stream = `${prefix}c`;
      await store.append(stream, [event('A', 1)], { expectedRevision: 'no_stream' });
      await expect(store.append(stream, [event('B', 2)], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(stream, [event('B', 2)], { expectedRevision: 5 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append(`${prefix}none`, [event('B', 2)], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect((await store.readStream(stream)).length).toBe(1);
      const next = await store.append(stream, [event('B', 2)], { expectedRevision: 0 });
      expect(next.nextExpectedRevision).toBe(1);
    });

    it('lets exactly one of two concurrent creators win', async () => {
      const stream = `${prefix}race`;
      const results = await Promise.allSettled([
        store.append(stream, [event('A', 1)], { expectedRevision: 'no_stream' }),
        store.append(stream, [event('A', 2)], { expectedRevision: 'no_stream' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('delivers past and live events to a subscription, in order, filtered by prefix', async () => {
      await store.append(`${prefix}s1`, [event('A', 1)], { expectedRevision: 'any' });
      await store.append(`other${prefix}`, [event('X', 0)], { expectedRevision: 'any' });
      const seen: RecordedEvent[] = [];
      const sub = store.subscribeToAll({ streamPrefix: prefix }, async (e) => {
        seen.push(e);
      });
      await store.append(`${prefix}s2`, [event('B', 2), event('C', 3)], { expectedRevision: 'any' });
      await expect.poll(() => seen.length, arrival).toBeGreaterThanOrEqual(3);
      await sub.stop();
      expect(seen.map((e) => e.data.n)).toEqual([1, 2, 3]);
    });

    it('resumes a subscription strictly after a stored checkpoint', async () => {
      const first = await store.append(`${prefix}r`, [event('A', 1), event('B', 2)], { expectedRevision: 'any' });
      await checkpoints.store(`${prefix}relay`, first.position);
      await store.append(`${prefix}r`, [event('C', 3)], { expectedRevision: 'any' });
      const from = await checkpoints.load(`${prefix}relay`);
      expect(from).toBe(first.position);
      const seen: number[] = [];
      const sub = store.subscribeToAll({ fromPosition: from, streamPrefix: prefix }, async (e) => {
        seen.push(e.data.n as number);
      });
      await expect.poll(() => seen.length, arrival).toBeGreaterThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 300));
      await sub.stop();
      expect(seen).toEqual([3]);
    });

    it('retries an event whose handler failed, without skipping it', async () => {
      await store.append(`${prefix}f`, [event('A', 1), event('B', 2)], { expectedRevision: 'any' });
      const seen: number[] = [];
      let failures = 0;
      const sub = store.subscribeToAll({ streamPrefix: prefix }, async (e) => {
        if (e.data.n === 1 && failures < 2) {
          failures++;
          throw new Error('transient');
        }
        seen.push(e.data.n as number);
      });
      await expect.poll(() => seen.length, arrival).toBeGreaterThanOrEqual(2);
      await sub.stop();
      expect(failures).toBe(2);
      expect(seen).toEqual([1, 2]);
    });

    it('returns undefined for an unknown checkpoint and overwrites a known one', async () => {
      expect(await checkpoints.load(`${prefix}nothing`)).toBeUndefined();
      await checkpoints.store(`${prefix}cp`, '1');
      await checkpoints.store(`${prefix}cp`, '2');
      expect(await checkpoints.load(`${prefix}cp`)).toBe('2');
    });
  });
}
