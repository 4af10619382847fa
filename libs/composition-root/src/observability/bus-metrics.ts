import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEFAULT_MAX_ATTEMPTS, type EventBus, type MessageHandler } from '@support-desk/event-bus';
import { SpanKind, contextFrom, inSpan, tracingEnabled } from '@support-desk/service-kit';

type Inc = { inc(value?: number): void };
type GroupInstruments = { handled: Inc; failed: Inc; deadLettered: Inc; duration: { observe(v: number): void } };

export type BusInstrumentsOptions = {
  /**
   * In-process bus: this process sees every publish and every handled message,
   * so lag per group is published minus done. (Kafka lag comes from the broker:
   * see kafka-lag-metrics.ts.)
   */
  inProcessLag?: boolean;
};

/**
 * The bus with consumer counts per group: handled, failed attempts, and dead
 * letters (a message whose every attempt failed). Groups are a handful of fixed
 * names, so they are a bounded label; a message's key never is.
 */
export function instrumentBus(bus: EventBus, registry: Registry, options: BusInstrumentsOptions = {}): EventBus {
  const handled = counter(registry, 'bus_messages_handled_total', 'Messages a consumer group handled');
  const failed = counter(registry, 'bus_messages_failed_total', 'Handler attempts that threw (each is retried until it is dead-lettered)');
  const deadLettered = counter(registry, 'bus_messages_dead_lettered_total', 'Messages dead-lettered after their last attempt failed');
  const duration = getOrCreate(
    registry,
    'bus_handler_duration_seconds',
    () =>
      new Histogram({
        name: 'bus_handler_duration_seconds',
        help: 'Time a consumer group spent on one handler attempt',
        labelNames: ['group'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
  );
  const published = getOrCreate(
    registry,
    'bus_messages_published_total',
    () => new Counter({ name: 'bus_messages_published_total', help: 'Messages published to the bus', registers: [registry] }),
  );
  const done = new Map<string, number>();
  let publishedCount = 0;
  if (options.inProcessLag) {
    lagGauge(registry);
    lagSources(registry).add((set) => {
      for (const [group, count] of done) set(group, Math.max(0, publishedCount - count));
    });
  }

  return {
    async publish(messages) {
      await bus.publish(messages);
      publishedCount += messages.length;
      published.inc(messages.length);
    },
    subscribe(group, handler, subscribeOptions) {
      const maxAttempts = subscribeOptions?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      const ins: GroupInstruments = {
        handled: handled.labels(group),
        failed: failed.labels(group),
        deadLettered: deadLettered.labels(group),
        duration: duration.labels(group),
      };
      // Zero from the start: rate() and "> 0" alerts need the series before the first failure.
      for (const c of [ins.handled, ins.failed, ins.deadLettered]) c.inc(0);
      // Failed attempts per event id: when they reach maxAttempts the bus dead-letters the message.
      const attempts = new Map<string, number>();
      done.set(group, publishedCount);
      const markDone = () => done.set(group, (done.get(group) ?? 0) + 1);
      const counted: MessageHandler = async (message) => {
        const started = performance.now();
        try {
          await handler(message);
          ins.handled.inc();
          attempts.delete(message.event.id);
          markDone();
        } catch (error) {
          ins.failed.inc();
          const tried = (attempts.get(message.event.id) ?? 0) + 1;
          if (tried >= maxAttempts) {
            attempts.delete(message.event.id);
            ins.deadLettered.inc();
            markDone();
          } else attempts.set(message.event.id, tried);
          throw error;
        } finally {
          ins.duration.observe((performance.now() - started) / 1000);
        }
      };
      // Tracing on: each delivery continues the trace kept in the event's metadata (traceparent).
      const traced: MessageHandler = (message) =>
        inSpan(
          `${group} process ${message.event.type}`,
          { kind: SpanKind.CONSUMER, parent: contextFrom(message.event.metadata.traceparent), attributes: { 'messaging.consumer.group.name': group } },
          () => counted(message),
        );
      // A batch is counted as its messages; a failed one is not (the bus then hands its messages to `counted` one by one).
      // Tracing on: no batches, so each delivery keeps its consumer span.
      const { handleBatch, ...rest } = subscribeOptions ?? {};
      const countedBatch =
        handleBatch &&
        (async (messages: Parameters<typeof handleBatch>[0]) => {
          const started = performance.now();
          await handleBatch(messages);
          ins.duration.observe((performance.now() - started) / 1000);
          ins.handled.inc(messages.length);
          for (const m of messages) attempts.delete(m.event.id);
          done.set(group, (done.get(group) ?? 0) + messages.length);
        });
      if (tracingEnabled()) return bus.subscribe(group, traced, rest);
      return bus.subscribe(group, counted, { ...rest, ...(countedBatch ? { handleBatch: countedBatch } : {}) });
    },
    close: () => bus.close(),
  };
}

function counter(registry: Registry, name: string, help: string): Counter<'group'> {
  return getOrCreate(registry, name, () => new Counter({ name, help, labelNames: ['group'], registers: [registry] }));
}

/** support-desk wraps two buses (search's and Zendesk's) in one registry: their series share one metric. */
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

type LagSource = (set: (group: string, lag: number) => void) => void;
const sources = new WeakMap<Registry, Set<LagSource>>();

function lagSources(registry: Registry): Set<LagSource> {
  let set = sources.get(registry);
  if (!set) sources.set(registry, (set = new Set()));
  return set;
}

/** One gauge per registry, read from every in-process bus of the process at scrape time. */
function lagGauge(registry: Registry): void {
  getOrCreate(
    registry,
    'bus_consumer_lag_messages',
    () =>
      new Gauge({
        name: 'bus_consumer_lag_messages',
        help: 'Messages published but not yet handled or dead-lettered, per consumer group (and partition on Kafka; "all" in-process)',
        labelNames: ['group', 'partition'],
        registers: [registry],
        collect() {
          for (const source of lagSources(registry)) source((group, lag) => this.labels(group, 'all').set(lag));
        },
      }),
  );
}
