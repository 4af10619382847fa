import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventSubscription, RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

describe('SqliteSubscription with a stream prefix', () => {
  let store: SqliteEventStore;
  let subscription: EventSubscription | undefined;

  afterEach(async () => {
    await subscription?.stop();
    await store.close();
  });

  it('reads past the events of other streams once, then delivers the next match', async () => {
    store = new SqliteEventStore(':memory:', { pollIntervalMs: 10 });
    for (let i = 0; i < 3; i++) await store.append(`other-${i}`, [{ type: 'Noise', data: { i } }], { expectedRevision: 'no_stream' });
    const reads = vi.spyOn(store, 'readAllAfter');
    const delivered: RecordedEvent[] = [];
    subscription = store.subscribeToAll({ streamPrefix: 'wanted-' }, async (event) => {
      delivered.push(event);
    });

    // The first read scans the three others and finds nothing; the next ones start after them.
    await vi.waitFor(() => expect(reads.mock.calls.some(([position]) => position === 3)).toBe(true));
    expect(reads.mock.calls[0]![0]).toBe(0);

    await store.append('wanted-1', [{ type: 'Wanted', data: {} }], { expectedRevision: 'no_stream' });
    await vi.waitFor(() => expect(delivered.map((e) => [e.streamId, e.position])).toEqual([['wanted-1', '4']]));
    // Nothing before it is read again.
    await vi.waitFor(() => expect(reads.mock.calls.at(-1)![0]).toBe(4));
  });
});
