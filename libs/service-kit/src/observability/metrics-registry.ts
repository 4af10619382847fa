import { Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry };

/**
 * One Prometheus registry per process, made once in composition-root and handed
 * down. `service` is a default label, so one Prometheus query can compare
 * services; process and Node runtime defaults (event loop lag, heap, GC) come with it.
 */
export function createMetricsRegistry(service: string, options: { defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // Event loop lag is sampled by a histogram at 10 ms resolution: cheap, and fine enough for alerting.
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return registry;
}
