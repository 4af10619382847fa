import { Counter, Histogram, type Registry } from 'prom-client';
import type { EventStore, NewEvent } from '@support-desk/event-store';
import type { Context } from '@opentelemetry/api';
import { SpanKind, currentTraceparent, inSpan, tracedContext, tracingEnabled } from '@support-desk/service-kit';

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
  const appended = new Counter({
    name: 'eventstore_events_appended_total',
    help: 'Events appended, by event type',
    labelNames: ['type'],
    registers: [registry],
  });
  const byType = new Map<string, { inc(): void }>();
  const countType = (type: string) => {
    let child = byType.get(type);
    if (!child) {
      child = appended.labels(type);
      byType.set(type, child);
    }
    child.inc();
  };
  const tracing = tracingEnabled();
  const timedAppend: EventStore['append'] = async (streamId, events, options) => {
    const started = performance.now();
    try {
      const result = await store.append(streamId, events, options);
      for (const event of events) countType(event.type);
      batch.observe(events.length);
      return result;
    } finally {
      duration.observe((performance.now() - started) / 1000);
    }
  };
  // Tracing on: an append inside a sampled trace is a span, and each event keeps its traceparent in
  // metadata, so the relay and every consumer continue the trace of the request that caused it. The
  // trace is the active one (a consumer's handler) or the HTTP request's, found by the correlationId
  // the command handler puts on the events (the request id): no context manager on the request path.
  const tracedAppend: EventStore['append'] = (streamId, events, options) => {
    const parent = tracedContext(events[0]?.metadata?.correlationId);
    if (!parent) return timedAppend(streamId, events, options);
    return inSpan(
      `eventstore append ${events.map((e) => e.type).join(',')}`,
      { kind: SpanKind.INTERNAL, parent, attributes: { 'eventstore.events': events.length } },
      (ctx) => timedAppend(streamId, withTraceparent(events, ctx!), options),
    );
  };
  return {
    append: tracing ? tracedAppend : timedAppend,
    readStream: (streamId) => store.readStream(streamId),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
    close: () => store.close(),
  };
}

/** The append span's traceparent in each event's metadata (an event that has one keeps it). */
function withTraceparent(events: NewEvent[], ctx: Context): NewEvent[] {
  const traceparent = currentTraceparent(ctx);
  if (!traceparent) return events;
  return events.map((event) => (event.metadata?.traceparent ? event : { ...event, metadata: { ...event.metadata, traceparent } }));
}
