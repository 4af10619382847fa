import type { KafkaMessage } from 'kafkajs';

/**
 * Splits messages into lanes, one per key, each in its original order. Messages
 * without a key share one lane, so their relative order is kept too.
 */
export function lanesByKey(messages: KafkaMessage[]): KafkaMessage[][] {
  const lanes = new Map<string, KafkaMessage[]>();
  for (const message of messages) {
    // A key is bytes; latin1 maps each byte to one char, so distinct keys stay distinct.
    const key = message.key === null ? '\u0000no-key' : `k:${message.key.toString('latin1')}`;
    const lane = lanes.get(key);
    if (lane) lane.push(message);
    else lanes.set(key, [message]);
  }
  return [...lanes.values()];
}

/** Runs `work` on every item with at most `limit` in flight; rejects with the first failure once all settled. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  const results = await Promise.allSettled(workers);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
