import { Counter, Gauge, type Registry } from 'prom-client';
import type { BusMessage, EventBus } from '@support-desk/event-bus';
import { SpanKind, contextFrom, currentTraceparent, tracer, tracingEnabled } from '@support-desk/service-kit';
import { trace, type Span } from '@opentelemetry/api';
import type { EventStore } from '@support-desk/event-store';

/**
 * How far a relay is behind, from what it reads and what the bus accepted:
 * positions (numeric part: SQLite's sequence, PostgreSQL's global position),
 * events read but not yet published, and the age of the oldest of them. The
 * relay follows the store live, so once caught up what it read is the store's head.
 */
export function instrumentRelay(name: string, store: EventStore, bus: EventBus, registry: Registry): { store: EventStore; bus: EventBus } {
  const g = gauges(registry);
  const head = g.head.labels(name);
  const published = g.published.labels(name);
  const publishedTotal = g.publishedTotal.labels(name);
  // recordedAt of events read and not yet published, oldest first (bounded by the relay's queue).
  const pending: number[] = [];
  sources(registry).add((set) => set(name, pending.length, pending.length > 0 ? Math.max(0, (Date.now() - pending[0]!) / 1000) : 0));
  return {
    store: {
      append: (streamId, events, options) => store.append(streamId, events, options),
      readStream: (streamId) => store.readStream(streamId),
      subscribeToAll: (options, handler) =>
        store.subscribeToAll(options, (event) => {
          pending.push(event.recordedAt);
          head.set(numericPosition(event.position));
          return handler(event);
        }),
      close: () => store.close(),
    },
    bus: {
      async publish(messages) {
        if (tracingEnabled()) await publishTraced(bus, name, messages);
        else await bus.publish(messages);
        pending.splice(0, messages.length);
        publishedTotal.inc(messages.length);
        const last = messages[messages.length - 1];
        if (last) published.set(numericPosition(last.event.position));
      },
      subscribe: (group, handler, options) => bus.subscribe(group, handler, options),
      close: () => bus.close(),
    },
  };
}

/** `7421/1093` (PostgreSQL) → 1093; `1093` (SQLite) → 1093; anything else → NaN. */
export function numericPosition(position: string): number {
  const slash = position.lastIndexOf('/');
  return Number(slash >= 0 ? position.slice(slash + 1) : position);
}

type Source = (set: (relay: string, eventsBehind: number, secondsBehind: number) => void) => void;
const perRegistry = new WeakMap<Registry, { gauges: ReturnType<typeof createGauges>; sources: Set<Source> }>();

function sources(registry: Registry): Set<Source> {
  gauges(registry);
  return perRegistry.get(registry)!.sources;
}

function gauges(registry: Registry): ReturnType<typeof createGauges> {
  let entry = perRegistry.get(registry);
  if (!entry) {
    const set = new Set<Source>();
    entry = { gauges: createGauges(registry, set), sources: set };
    perRegistry.set(registry, entry);
  }
  return entry.gauges;
}

function createGauges(registry: Registry, sourceSet: Set<Source>) {
  const labelNames = ['relay'] as const;
  new Gauge({
    name: 'relay_events_behind',
    help: 'Events read from the store and not yet accepted by the bus',
    labelNames,
    registers: [registry],
    collect() {
      for (const source of sourceSet) source((relay, events) => this.labels(relay).set(events));
    },
  });
  new Gauge({
    name: 'relay_seconds_behind',
    help: 'Age of the oldest event read from the store and not yet published (0 when caught up)',
    labelNames,
    registers: [registry],
    collect() {
      for (const source of sourceSet) source((relay, _events, seconds) => this.labels(relay).set(seconds));
    },
  });
  return {
    head: new Gauge({
      name: 'relay_head_position',
      help: 'Newest store position the relay has read (the head once caught up)',
      labelNames,
      registers: [registry],
    }),
    published: new Gauge({ name: 'relay_published_position', help: 'Store position of the last event the bus accepted', labelNames, registers: [registry] }),
    publishedTotal: new Counter({ name: 'relay_events_published_total', help: 'Events the relay published', labelNames, registers: [registry] }),
  };
}

/**
 * One producer span per traced event, child of the span that appended it; the
 * message carries the producer span's traceparent on (metadata, and so the Kafka
 * headers), so consumers hang under the relay hop.
 */
async function publishTraced(bus: EventBus, relay: string, messages: BusMessage[]): Promise<void> {
  const spans: Span[] = [];
  const out = messages.map((message) => {
    // Only events of a sampled trace carry a traceparent; the rest pass at no cost.
    const parent = contextFrom(message.event.metadata.traceparent);
    if (!parent) return message;
    const span = tracer().startSpan(
      `${relay} publish ${message.event.type}`,
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.batch.message_count': messages.length } },
      parent,
    );
    spans.push(span);
    const traceparent = currentTraceparent(trace.setSpan(parent, span));
    return { ...message, event: { ...message.event, metadata: { ...message.event.metadata, traceparent } } };
  });
  try {
    await bus.publish(out);
  } finally {
    for (const span of spans) span.end();
  }
}
