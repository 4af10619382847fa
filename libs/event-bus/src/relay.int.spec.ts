import { describe, expect, it } from 'vitest';
import { SqliteCheckpointStore, SqliteEventStore } from '@support-desk/event-store/sqlite';
import type { BusMessage, EventBus } from './event-bus.port';
import { InProcessEventBus } from './memory/in-process-event-bus';
import { Relay } from './relay';

const PREFIX = 'support-ticket-';
/** expect.poll options: the relay polls the store every 20 ms, and backs off when the bus refuses. */
const relayed = { timeout: 10_000, interval: 10 } as const;

describe('Relay', () => {
  const store = new SqliteEventStore(':memory:', { pollIntervalMs: 20 });
  const checkpoints = new SqliteCheckpointStore(store.database);

  const append = (n: number) =>
    store.append(`${PREFIX}${n}`, [{ type: 'TicketSynced', data: { ticketId: `t-${n}`, recordId: `r-${n}`, zendeskTicketId: '1', syncedAt: n } }], {
      expectedRevision: 'any',
    });

  it('publishes committed events in order, keyed by ticket id, and resumes from its checkpoint', async () => {
    const bus = new InProcessEventBus();
    const seen: BusMessage[] = [];
    await bus.subscribe('g', async (m) => void seen.push(m));
    await append(1);
    await append(2);
    const relay = new Relay({ store, bus, checkpoints, name: 'r1', streamPrefix: PREFIX });
    await relay.start();
    await expect.poll(() => seen.length, relayed).toBe(2);
    await relay.stop();
    expect(seen.map((m) => m.key)).toEqual(['t-1', 't-2']);
    const last = await append(3);
    expect(await checkpoints.load('r1')).not.toBe(last.position);

    const restarted = new Relay({ store, bus, checkpoints, name: 'r1', streamPrefix: PREFIX });
    await restarted.start();
    await expect.poll(() => seen.length, relayed).toBe(3);
    await restarted.stop();
    expect(seen.map((m) => m.key)).toEqual(['t-1', 't-2', 't-3']);
    expect(await checkpoints.load('r1')).toBe(last.position);
  });

  it('keeps its checkpoint when the bus refuses, and publishes once the bus is back', async () => {
    let down = true;
    const delivered: string[] = [];
    const flaky: EventBus = {
      publish: async (messages) => {
        if (down) throw new Error('broker unavailable');
        delivered.push(...messages.map((m) => m.event.id));
      },
      subscribe: async () => ({ stop: async () => undefined }),
      close: async () => undefined,
    };
    const before = await checkpoints.load('r2');
    const { position } = await append(4);
    const errors: unknown[] = [];
    const relay = new Relay({ store, bus: flaky, checkpoints, name: 'r2', streamPrefix: PREFIX, onError: (e) => errors.push(e) });
    await relay.start();
    await expect.poll(() => errors.length, relayed).toBeGreaterThanOrEqual(1);
    expect(await checkpoints.load('r2')).toBe(before);
    down = false;
    try {
      await expect.poll(() => checkpoints.load('r2'), { ...relayed, interval: 50 }).toBe(position);
    } finally {
      await relay.stop();
    }
    expect(delivered.length).toBeGreaterThanOrEqual(4);
  });
});

describe('Relay queue', () => {
  /**
   * An event the store hands over while a flush is finishing (after its last look at the
   * queue, before its promise settled) must still go out, without waiting for a later append.
   * Tried at every microtask offset around the end of a publish.
   */
  it('publishes an event that arrives as a flush ends, whatever the timing', async () => {
    const event = (n: number) => ({
      id: `e-${n}`,
      streamId: `${PREFIX}${n}`,
      type: 'TicketSynced',
      data: { ticketId: `t-${n}` },
      metadata: {},
      revision: 0,
      position: String(n),
      recordedAt: n,
    });
    for (let ticks = 0; ticks < 12; ticks++) {
      let deliver!: (e: ReturnType<typeof event>) => Promise<void>;
      let release!: () => void;
      const published: string[] = [];
      const bus: EventBus = {
        publish: async (messages) => {
          if (published.length === 0) await new Promise<void>((r) => (release = r));
          published.push(...messages.map((m) => m.event.id));
        },
        subscribe: async () => ({ stop: async () => undefined }),
        close: async () => undefined,
      };
      const fakeStore = {
        subscribeToAll: (_options: unknown, handler: typeof deliver) => ((deliver = handler), { stop: async () => undefined }),
      } as unknown as SqliteEventStore;
      const relay = new Relay({ store: fakeStore, bus, checkpoints: { load: async () => undefined, store: async () => undefined }, streamPrefix: PREFIX });
      await relay.start();
      void deliver(event(1));
      release();
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      void deliver(event(2));
      await expect.poll(() => published, { timeout: 1_000, interval: 5 }).toEqual(['e-1', 'e-2']);
      await relay.stop();
    }
  });
});
