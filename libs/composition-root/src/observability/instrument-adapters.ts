import type { Registry } from 'prom-client';
import type { EventBus } from '@support-desk/event-bus';
import { useAsyncContext } from '@support-desk/service-kit';
import type { Adapters, Port } from '../ports';
import { instrumentBus } from './bus-metrics';
import { instrumentEventStore } from './event-store-metrics';
import { kafkaLagMetrics, type KafkaLagSource } from './kafka-lag-metrics';

/**
 * Puts the metric decorators around the adapters a service opened: appends on
 * its event store, handler outcomes and lag on its bus (from the broker on
 * Kafka, from this process's own counts in-process). Closing the adapters also
 * closes the Kafka admin connection that lag is read through.
 */
export function instrumentAdapters<P extends Port>(adapters: Adapters<P>, registry: Registry): Adapters<P> {
  const out = adapters as unknown as Adapters<Port>;
  const opened = out as Partial<Adapters<Port>>;
  if (opened.eventStore) out.eventStore = instrumentEventStore(opened.eventStore, registry);
  if (opened.bus) {
    const bus: EventBus = opened.bus;
    const kafka = isKafkaBus(bus) ? kafkaLagMetrics(bus, registry) : undefined;
    const instrumented = instrumentBus(bus, registry, { inProcessLag: !kafka });
    out.bus = {
      ...instrumented,
      // Tracing on: a process that consumes continues traces inside its handlers (their Zendesk calls and
      // appends read context.active()), so it needs the AsyncLocalStorage context manager; one that only
      // serves requests and publishes (intake-api) never pays for it.
      subscribe: (group, handler, options) => {
        useAsyncContext();
        return instrumented.subscribe(group, handler, options);
      },
    };
    if (kafka) {
      const close = out.close;
      out.close = async () => {
        await kafka.close();
        await close();
      };
    }
  }
  return out as unknown as Adapters<P>;
}

function isKafkaBus(bus: EventBus): bus is EventBus & KafkaLagSource {
  const candidate = bus as Partial<KafkaLagSource> & { groups?: unknown };
  return typeof candidate.admin === 'function' && typeof candidate.topic === 'string' && typeof candidate.deadLetterTopic === 'string';
}
