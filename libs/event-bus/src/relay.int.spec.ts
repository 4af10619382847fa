import { describe, expect, it } from 'vitest';
import { SqliteCheckpointStore, SqliteEventStore } from '@support-desk/event-store/sqlite';
import { waitFor } from '@support-desk/event-store/testing';
import type { BusMessage, EventBus } from './event-bus.port';
import { InProcessEventBus } from './memory/in-process-event-bus';
import { Relay } from './relay';

const PREFIX = 'support-ticket-';

describe('Relay', () => {
  const store = new SqliteEventStore(':memory:', { pollIntervalMs: 20 });
  const checkpoints = new SqliteCheckpointStore(store.database);

  const append = (n: number) =>
    store.append(`${PREFIX}${n}`, [{ type: 'TicketSynced', data: { ticketId: `t-${n}`, recordId: `r-${n}`, zendeskTicketId: '1', syncedAt: n } }], { expectedRevision: 'any' });

  it('publishes committed events in order, keyed by ticket id, and resumes from its checkpoint', async () => {
    const bus = new InProcessEventBus();
    const seen: BusMessage[] = [];
    await bus.subscribe('g', async (m) => void seen.push(m));
    await append(1);
    await append(2);
    const relay = new Relay({ store, bus, checkpoints, name: 'r1', streamPrefix: PREFIX });
    await relay.start();
    await waitFor(() => seen.length === 2);
    await relay.stop();
    expect(seen.map((m) => m.key)).toEqual(['t-1', 't-2']);
    const last = await append(3);
    expect(await checkpoints.load('r1')).not.toBe(last.position);

    const restarted = new Relay({ store, bus, checkpoints, name: 'r1', streamPrefix: PREFIX });
    await restarted.start();
    await waitFor(() => seen.length === 3);
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
    await waitFor(() => errors.length >= 1);
    expect(await checkpoints.load('r2')).toBe(before);
    down = false;
    let checkpoint = before;
    for (let i = 0; i < 200 && checkpoint !== position; i++) {
      await new Promise((r) => setTimeout(r, 50));
      checkpoint = await checkpoints.load('r2');
    }
    await relay.stop();
    expect(checkpoint).toBe(position);
    expect(delivered.length).toBeGreaterThanOrEqual(4);
  });
});
