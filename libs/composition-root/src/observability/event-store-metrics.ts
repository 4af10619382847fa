import { Counter, Histogram, type Registry } from 'prom-client';
import type { EventStore } from '@support-desk/event-store';

type Child = { observe(value: number): void };

/**
 * The event store as every service sees it, with append duration, batch size
 * and events appended by type (event types are a closed set: a bounded label).
 * A decorator, so no adapter imports prom-client.
 */
export function instrumentEventStore(store: EventStore, registry: Registry): EventStore {
  const duration: Child = new Histogram({
    name: 'eventstore_append_duration_seconds',
    help: 'Time to append one batch of events to a stream (including optimistic-concurrency failures)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const batch: Child = new Histogram({
    name: 'eventstore_append_batch_size_events',
    help: 'Events per append call',
    buckets: [1, 2, 5, 10, 25, 50, 100],
    registers: [registry],
  });
  const appended = new Counter({ name: 'eventstore_events_appended_total', help: 'Events appended, by event type', labelNames: ['type'], registers: [registry] });
  const byType = new Map<string, { inc(): void }>();
  const countType = (type: string) => {
    let child = byType.get(type);
    if (!child) {
      child = appended.labels(type);
      byType.set(type, child);
    }
    child.inc();
  };
  return {
    async append(streamId, events, options) {
      const started = performance.now();
      try {
        const result = await store.append(streamId, events, options);
        for (const event of events) countType(event.type);
        batch.observe(events.length);
        return result;
      } finally {
        duration.observe((performance.now() - started) / 1000);
      }
    },
    readStream: (streamId) => store.readStream(streamId),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
    close: () => store.close(),
  };
}
