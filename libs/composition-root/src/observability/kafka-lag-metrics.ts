import { Gauge, type Registry } from 'prom-client';
import type { Admin } from 'kafkajs';

export type KafkaLagSource = {
  topic: string;
  deadLetterTopic: string;
  /** Groups this process consumes as; their lag is its business. */
  readonly groups: string[];
  admin(): Promise<Admin>;
};

type Snapshot = { lag: { group: string; partition: number; lag: number }[]; deadLetters: number };

/** Offsets are asked of the broker at most this often, however often Prometheus scrapes. */
const REFRESH_MS = 5_000;

/**
 * Lag per group and partition as the broker sees it (log end offset minus the
 * group's committed offset), and how many messages the DLQ holds. Read at scrape
 * time through one admin connection; a broker that does not answer leaves the
 * last values in place rather than failing the scrape.
 */
export function kafkaLagMetrics(source: KafkaLagSource, registry: Registry): { close(): Promise<void> } {
  let admin: Promise<Admin> | undefined;
  let last: Snapshot | undefined;
  let fetchedAt = 0;
  let inFlight: Promise<void> | undefined;
  const refresh = async () => {
    if (Date.now() - fetchedAt < REFRESH_MS) return;
    inFlight ??= (async () => {
      try {
        admin ??= source.admin();
        last = await snapshot(await admin, source);
        fetchedAt = Date.now();
      } catch {
        admin = undefined; // reconnect next time
      } finally {
        inFlight = undefined;
      }
    })();
    await inFlight;
  };
  new Gauge({
    name: 'bus_consumer_lag_messages',
    help: 'Messages published but not yet handled or dead-lettered, per consumer group (and partition on Kafka; "all" in-process)',
    labelNames: ['group', 'partition'],
    registers: [registry],
    async collect() {
      await refresh();
      for (const { group, partition, lag } of last?.lag ?? []) this.labels(group, String(partition)).set(lag);
    },
  });
  new Gauge({
    name: 'bus_dead_letter_queue_messages',
    help: 'Messages in the dead-letter topic (all groups)',
    registers: [registry],
    async collect() {
      await refresh();
      if (last) this.set(last.deadLetters);
    },
  });
  return {
    async close() {
      const opened = admin;
      admin = undefined;
      await opened?.then((a) => a.disconnect()).catch(() => undefined);
    },
  };
}

async function snapshot(admin: Admin, source: KafkaLagSource): Promise<Snapshot> {
  const [ends, dlq] = await Promise.all([admin.fetchTopicOffsets(source.topic), admin.fetchTopicOffsets(source.deadLetterTopic)]);
  const lag: Snapshot['lag'] = [];
  for (const group of source.groups) {
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [source.topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const end of ends) {
      const offset = byPartition.get(end.partition) ?? -1;
      // -1: nothing committed yet; the group starts from the beginning of what is kept.
      const from = offset < 0 ? Number(end.low) : offset;
      lag.push({ group, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  const deadLetters = dlq.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
  return { lag, deadLetters };
}
