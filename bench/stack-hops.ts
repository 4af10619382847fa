/**
 * Stack mode: where create → found goes, hop by hop, for tickets created at a
 * fixed rate (figures, not pass/fail). For every watched ticket, all on this
 * machine's one clock:
 *   - append: the event's recordedAt minus the create request's start;
 *   - relay: the Kafka message's timestamp (set by the relay's producer) minus recordedAt;
 *   - kafka: when a consumer of a group of its own received it minus the timestamp (upper bound);
 *   - projected: first seen in the read model's collection (read directly) minus recordedAt;
 *   - found: first found by the admin search through the gateway (polled every 5 ms) minus recordedAt.
 *
 *   BENCH_STACK_PIN=1 npx tsx bench/stack-hops.ts [--rate 24] [--seconds 10] [--watch 10] [--poll 10]
 * Needs the servers: eval "$(infra/local/start.sh)" first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { closedLoop, fmt, openLoop, percentile, stackCreateBody } from './http-load';
import { stackTarget, type Target } from './targets';
import { watchTopic } from './topic-watch';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '24' },
    seconds: { type: 'string', default: '10' },
    watch: { type: 'string', default: '10' },
    poll: { type: 'string', default: '10' },
    searches: { type: 'string', default: '300' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const every = Math.max(1, Math.round(rate / Number(args.watch)));
const pollMs = Number(args.poll);

let counter = 0;
type Created = { startedAt: number; ackedAt: number; ticketId: string; id: string };
async function create(t: Target): Promise<Created | undefined> {
  const i = counter++;
  const startedAt = Date.now();
  const res = await fetch(`${t.baseUrl}/api/user/log/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stackCreateBody(i) });
  if (res.status !== 200) return undefined;
  const { data } = (await res.json()) as { data: { ticketId: string; id: string } };
  return { startedAt, ackedAt: Date.now(), ...data };
}

/** CPU ms (user + system) so far of each stack service this process started, by app name. */
function serviceCpuMs(): Map<string, number> {
  const parent = new Map<number, number>();
  const stats = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      stats.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  const out = new Map<string, number>();
  for (const [pid, ms] of stats) {
    if (!mine(pid)) continue;
    const app = /dist\/apps\/([\w-]+)\/main\.js/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1];
    if (app) out.set(app, (out.get(app) ?? 0) + ms);
  }
  return out;
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Date.now();
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return NaN;
}

const target = await stackTarget('64MiB');
const run = target.topic!.slice('support-desk.'.length);
const mongoUrl = new URL(process.env.MONGODB_URL!);
mongoUrl.pathname = `/supportdesk_${run}`;
const mongo = new MongoClient(mongoUrl.toString());
const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'bench-hops', logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-hops-${Date.now().toString(36)}`, maxWaitTimeInMs: 10 });
const onKafka = new Map<string, { recordedAt: number; sentAt: number; receivedAt: number }>();
const rows: Record<string, number>[] = [];
try {
  await mongo.connect();
  const tickets = mongo.db().collection<{ _id: string }>('tickets');
  await watchTopic(consumer, target.topic!, (event, message, receivedAt) => {
    if (event.revision !== 0 || !message.key) return;
    onKafka.set(message.key.toString(), { recordedAt: event.recordedAt, sentAt: Number(message.timestamp), receivedAt });
  });
  await closedLoop(4, 3, async () => Boolean(await create(target))); // warm-up (and the consumer's group join)
  await new Promise((r) => setTimeout(r, 2_000));
  const watches: Promise<void>[] = [];
  let n = 0;
  const cpuBefore = serviceCpuMs();
  await openLoop(rate, seconds, async () => {
    const c = await create(target);
    if (!c || n++ % every !== 0) return;
    watches.push(
      (async () => {
        const projectedAt = await pollUntil(async () => (await tickets.findOne({ _id: c.id }, { projection: { _id: 1 } })) !== null);
        const foundAt = await pollUntil(async () => {
          const res = await fetch(`${target.baseUrl}/api/admin/fetch/customer/support`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${target.adminToken}` },
            body: JSON.stringify({ ticketId: c.ticketId }),
          });
          return ((await res.json()) as { data: unknown[] }).data.length > 0;
        });
        for (let i = 0; i < 100 && !onKafka.has(c.ticketId); i++) await new Promise((r) => setTimeout(r, 20));
        const k = onKafka.get(c.ticketId);
        rows.push({
          append: (k?.recordedAt ?? NaN) - c.startedAt,
          ack: c.ackedAt - c.startedAt,
          relay: k ? k.sentAt - k.recordedAt : NaN,
          kafka: k ? k.receivedAt - k.sentAt : NaN,
          projected: k ? projectedAt - k.recordedAt : NaN,
          found: k ? foundAt - k.recordedAt : NaN,
          'ack→found': foundAt - c.ackedAt,
        });
      })(),
    );
  });
  const cpuAfter = serviceCpuMs();
  await Promise.all(watches);
  console.log(`\nstack-hops: ${target.name}, ${rate}/s for ${seconds}s, ${rows.length} watched, node ${process.version}, ${new Date().toISOString()}`);
  const table: Record<string, Record<string, string>> = {};
  for (const key of Object.keys(rows[0] ?? {})) {
    const values = rows.map((r) => r[key]!).filter(Number.isFinite);
    table[key] = {
      p50: fmt(percentile(values, 50)),
      p90: fmt(percentile(values, 90)),
      p99: fmt(percentile(values, 99)),
      max: fmt(Math.max(...values)),
      n: String(values.length),
    };
  }
  console.table(table);
  // Searches alone, one at a time, for a ticket that is there: what each costs the services.
  const searchBefore = serviceCpuMs();
  const searchCount = Number(args.searches);
  const searchMs: number[] = [];
  const some = [...onKafka.keys()][0]!;
  for (let i = 0; i < searchCount; i++) {
    const t0 = performance.now();
    await fetch(`${target.baseUrl}/api/admin/fetch/customer/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.adminToken}` },
      body: JSON.stringify({ ticketId: some }),
    }).then((r) => r.json());
    searchMs.push(performance.now() - t0);
  }
  const searchAfter = serviceCpuMs();
  console.log(
    `search by ticket id, one at a time: p50 ${fmt(percentile(searchMs, 50))} ms, p99 ${fmt(percentile(searchMs, 99))} ms; CPU ms per search by service:`,
  );
  console.table(Object.fromEntries([...searchAfter].map(([app, ms]) => [app, ((ms - (searchBefore.get(app) ?? 0)) / Math.max(1, searchCount)).toFixed(2)])));
  console.log(`CPU ms per create during the open loop (${n} creates), by service:`);
  console.table(Object.fromEntries([...cpuAfter].map(([app, ms]) => [app, ((ms - (cpuBefore.get(app) ?? 0)) / Math.max(1, n)).toFixed(2)])));
} finally {
  await consumer.disconnect();
  await mongo.close();
  await target.close();
}
