/**
 * Stack mode, event store on PostgreSQL: append → published on Kafka at half of
 * peak intake (figures, not pass/fail). Peak: creates/s of a closed loop through
 * the gateway. Then an open loop at half of it, while a consumer of the run's
 * topic (a group of its own) takes for each event created in that phase:
 *   - sent: the Kafka message's timestamp (set by the relay's producer) minus the
 *     event's recordedAt (the event store's clock at append; one machine, one clock);
 *   - readable: the time this consumer received it minus recordedAt (an upper
 *     bound: includes the consumer's fetch wait).
 *
 *   npx tsx bench/stack-publish.ts [--seconds 10] [--concurrency 16]
 *   BENCH_STACK_PIN=1 npx tsx bench/stack-publish.ts   # services on core 1, load on core 0
 * Needs the servers: eval "$(infra/local/start.sh)" first.
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { closedLoop, fmt, openLoop, percentile, stackCreateBody } from './http-load';
import { stackTarget, type Target } from './targets';
import { watchTopic } from './topic-watch';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);

let counter = 0;
let failures = 0;
async function create(t: Target): Promise<boolean> {
  const i = counter++;
  const res = await fetch(`${t.baseUrl}/api/user/log/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stackCreateBody(i) });
  const text = await res.text();
  if (res.status !== 200 && failures++ === 0) console.error(`first failed create: ${res.status} ${text}`);
  return res.status === 200;
}

const target = await stackTarget('64MiB');
const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'bench-publish', logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-publish-${Date.now().toString(36)}`, maxWaitTimeInMs: 10 });
const window = { from: Infinity, to: Infinity };
const sent: number[] = [];
const readable: number[] = [];
try {
  await watchTopic(consumer, target.topic!, (event, message, receivedAt) => {
    if (event.recordedAt < window.from || event.recordedAt > window.to) return;
    sent.push(Number(message.timestamp) - event.recordedAt);
    readable.push(receivedAt - event.recordedAt);
  });
  await closedLoop(4, 2, () => create(target)); // warm-up (and the consumer's group join)
  const samples = await closedLoop(concurrency, seconds, () => create(target));
  const peak = samples.filter((s) => s.ok).length / seconds;
  await new Promise((r) => setTimeout(r, 3_000)); // let the relay catch up with the closed loop
  const rate = Math.max(1, peak / 2);
  window.from = Date.now();
  const results = await openLoop(rate, seconds, () => create(target));
  window.to = Date.now();
  const created = results.filter(Boolean).length;
  // Everything created in the window, or give up after 30 s.
  for (let i = 0; i < 300 && readable.length < created; i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`\nstack-publish: ${target.name}, event store PostgreSQL, ${seconds}s per phase, node ${process.version}, ${new Date().toISOString()}`);
  console.table({
    'creates/s (closed loop, peak)': fmt(peak),
    'rate at half of peak /s': fmt(rate),
    'created / seen on Kafka': `${created} / ${readable.length}`,
    'append → sent by the relay p50 ms': fmt(percentile(sent, 50)),
    'append → sent by the relay p99 ms': fmt(percentile(sent, 99)),
    'append → readable on Kafka p50 ms': fmt(percentile(readable, 50)),
    'append → readable on Kafka p99 ms': fmt(percentile(readable, 99)),
  });
} finally {
  await consumer.disconnect();
  await target.close();
}
