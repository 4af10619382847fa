import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { BusMessage, EventBus, MessageHandler } from '@support-desk/event-bus';
import type { EventStore, RecordedEvent } from '@support-desk/event-store';
import { instrumentBus } from './bus-metrics';
import { instrumentEventStore } from './event-store-metrics';
import { numericPosition, instrumentRelay } from './relay-metrics';
import { zendeskMetrics } from './zendesk-metrics';

/** The value of one series in Prometheus text, e.g. value(text, 'x_total{group="a"}'). */
async function value(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const recorded = (position: string, type = 'TicketRequested', recordedAt = Date.now()): RecordedEvent => ({
  id: `e-${position}`,
  streamId: 'ticket-1',
  type,
  data: { ticketId: 't-1' },
  metadata: {},
  revision: 0,
  position,
  recordedAt,
});

function fakeStore(fail = false): EventStore & { feed?: (e: RecordedEvent) => Promise<void> } {
  const store: EventStore & { feed?: (e: RecordedEvent) => Promise<void> } = {
    append: async () => {
      if (fail) throw new Error('conflict');
      return { nextExpectedRevision: 0, position: '1' };
    },
    readStream: async () => [],
    subscribeToAll: (_options, handler) => {
      store.feed = handler;
      return { stop: async () => undefined };
    },
    close: async () => undefined,
  };
  return store;
}

function fakeBus(): EventBus & { deliver(group: string, m: BusMessage): Promise<void> } {
  const handlers = new Map<string, MessageHandler>();
  return {
    publish: async () => undefined,
    subscribe: async (group, handler) => {
      handlers.set(group, handler);
      return { stop: async () => undefined };
    },
    close: async () => undefined,
    deliver: (group, m) => handlers.get(group)!(m),
  };
}

describe('event store metrics', () => {
  it('counts appended events by type, and times every append (failed ones too)', async () => {
    const registry = new Registry();
    const store = instrumentEventStore(fakeStore(), registry);
    await store.append(
      'ticket-1',
      [
        { type: 'TicketRequested', data: {} },
        { type: 'SupportFileUploaded', data: {} },
      ],
      { expectedRevision: 'no_stream' },
    );
    await store.append('ticket-1', [{ type: 'SupportFileUploaded', data: {} }], { expectedRevision: 1 });
    expect(await value(registry, 'eventstore_events_appended_total{type="TicketRequested"}')).toBe(1);
    expect(await value(registry, 'eventstore_events_appended_total{type="SupportFileUploaded"}')).toBe(2);
    expect(await value(registry, 'eventstore_append_batch_size_events_sum')).toBe(3);
    expect(await value(registry, 'eventstore_append_duration_seconds_count')).toBe(2);

    const failing = instrumentEventStore(fakeStore(true), new Registry());
    await expect(failing.append('s', [{ type: 'X', data: {} }], { expectedRevision: 'any' })).rejects.toThrow('conflict');
  });
});

describe('bus metrics', () => {
  it('counts handled, failed attempts and dead letters per group, and in-process lag', async () => {
    const registry = new Registry();
    const inner = fakeBus();
    const bus = instrumentBus(inner, registry, { inProcessLag: true });
    await bus.subscribe(
      'search',
      async (m) => {
        if (m.event.type === 'Bad') throw new Error('boom');
      },
      { maxAttempts: 2 },
    );
    await bus.publish([
      { key: 'k', event: recorded('1') },
      { key: 'k', event: recorded('2', 'Bad') },
      { key: 'k', event: recorded('3') },
    ]);
    expect(await value(registry, 'bus_consumer_lag_messages{group="search",partition="all"}')).toBe(3);
    await inner.deliver('search', { key: 'k', event: recorded('1') });
    for (let attempt = 0; attempt < 2; attempt++) await expect(inner.deliver('search', { key: 'k', event: recorded('2', 'Bad') })).rejects.toThrow('boom');
    expect(await value(registry, 'bus_messages_handled_total{group="search"}')).toBe(1);
    expect(await value(registry, 'bus_messages_failed_total{group="search"}')).toBe(2);
    expect(await value(registry, 'bus_messages_dead_lettered_total{group="search"}')).toBe(1);
    expect(await value(registry, 'bus_consumer_lag_messages{group="search",partition="all"}')).toBe(1);
    expect(await value(registry, 'bus_messages_published_total')).toBe(3);
  });
});

describe('relay metrics', () => {
  it('reports events read and not yet published, their age, and both positions', async () => {
    const registry = new Registry();
    const store = fakeStore();
    const measured = instrumentRelay('relay', store, fakeBus(), registry);
    measured.store.subscribeToAll({}, async () => undefined);
    const old = Date.now() - 30_000;
    await store.feed!(recorded('7/41', 'TicketRequested', old));
    await store.feed!(recorded('7/42'));
    expect(await value(registry, 'relay_events_behind{relay="relay"}')).toBe(2);
    expect(await value(registry, 'relay_seconds_behind{relay="relay"}')).toBeGreaterThanOrEqual(30);
    expect(await value(registry, 'relay_head_position{relay="relay"}')).toBe(42);
    await measured.bus.publish([{ key: 'k', event: recorded('7/41') }]);
    expect(await value(registry, 'relay_events_behind{relay="relay"}')).toBe(1);
    expect(await value(registry, 'relay_published_position{relay="relay"}')).toBe(41);
    await measured.bus.publish([{ key: 'k', event: recorded('7/42') }]);
    expect(await value(registry, 'relay_events_behind{relay="relay"}')).toBe(0);
    expect(await value(registry, 'relay_seconds_behind{relay="relay"}')).toBe(0);
  });

  it("reads the numeric part of both stores' positions", () => {
    expect(numericPosition('1093')).toBe(1093);
    expect(numericPosition('7421/1093')).toBe(1093);
  });
});

describe('zendesk metrics', () => {
  it('counts calls by endpoint template and status, 429 waits, the limiter queue and the backlog', async () => {
    const registry = new Registry();
    const metrics = zendeskMetrics(registry);
    metrics.instruments.call('PUT', '/api/v2/tickets/:id', '200', 0.2);
    metrics.instruments.call('POST', '/api/v2/tickets', '429', 0.1);
    metrics.instruments.rateLimited(1500);
    metrics.watchLimiter(() => 3);
    const counts = { PENDING: 4, FAILED: 1 } as Record<string, number>;
    metrics.watchBacklog({
      search: async (query: { syncStatus?: string }) => ({ items: [], total: counts[query.syncStatus!], hasMore: false }),
    } as never);
    expect(await value(registry, 'zendesk_requests_total{method="PUT",endpoint="/api/v2/tickets/:id",status="200"}')).toBe(1);
    expect(await value(registry, 'zendesk_requests_total{method="POST",endpoint="/api/v2/tickets",status="429"}')).toBe(1);
    expect(await value(registry, 'zendesk_rate_limited_total')).toBe(1);
    expect(await value(registry, 'zendesk_retry_after_wait_seconds_total')).toBe(1.5);
    expect(await value(registry, 'zendesk_limiter_queue_length')).toBe(3);
    expect(await value(registry, 'zendesk_sync_tickets{status="PENDING"}')).toBe(4);
    expect(await value(registry, 'zendesk_sync_tickets{status="FAILED"}')).toBe(1);
  });
});
