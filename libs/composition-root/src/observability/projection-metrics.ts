import { Histogram, type Registry } from 'prom-client';

/** Read-model write duration, observed by the projection around each upsert. */
export function readModelWriteTimer(registry: Registry): (seconds: number) => void {
  const histogram = new Histogram({
    name: 'readmodel_write_duration_seconds',
    help: 'Time the projection spent writing one ticket view to the read model',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return (seconds) => histogram.observe(seconds);
}
