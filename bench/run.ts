/**
 * Benchmarks (figures, not pass/fail): intake req/s as a ratio to a naive baseline
 * server run in the same bench (target `intake`), create-ticket throughput and
 * latency, create → searchable latency at half of peak intake, and file-service
 * RSS growth while a large log streams through. Loopback only, bounded in time.
 *
 *   npm run bench -- [--targets intake,embedded,stack] [--seconds 10] [--concurrency 16] [--log-mib 1024]
 *                    [--intake-seconds 8] [--intake-warmup 2] [--intake-connections 50] [--intake-rounds 1] [--intake-servers 'baseline NORMAL,intake-api (os)']
 * The stack target needs the servers: eval "$(infra/local/start.sh)" first.
 * Observability's cost on intake, on vs off in one run (target `observability`): see observability-cost.ts.
 * Read model steps (targets search, search-text, rebuild): see read-model-bench.ts.
 */
import { parseArgs } from 'node:util';
import { streamUpload } from './big-upload';
import { closedLoop, fmt, openLoop, percentile } from './http-load';
import { intakePinning, intakeThroughput } from './intake-throughput';
import { observabilityCost } from './observability-cost';
import { READ_MODEL_BENCH_OPTIONS, READ_MODEL_TARGETS, runReadModelBenches } from './read-model-bench';
import { watchRss } from './rss';
import { embeddedTarget, stackTarget, type Target } from './targets';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: 'intake,embedded' },
    ...READ_MODEL_BENCH_OPTIONS,
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    'log-mib': { type: 'string', default: '1024' },
    /** Extra visibility run at a fixed low rate, to show latency when the read model keeps up. */
    'low-rate': { type: 'string', default: '20' },
    'intake-seconds': { type: 'string', default: '8' },
    'intake-warmup': { type: 'string', default: '2' },
    'intake-connections': { type: 'string', default: '50' },
    /** Each server this many times, interleaved; the median is reported. */
    'intake-rounds': { type: 'string', default: '1' },
    /** Comma-separated subset of the intake servers (their baselines are added). */
    'intake-servers': { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const logBytes = Number(args['log-mib']) * 1024 * 1024;

const createBody = (i: number) =>
  JSON.stringify({
    uuid: `bench-user-${i % 500}`,
    udid: `BENCH-DEVICE-${i % 700}`,
    subject: 'App crashes on start',
    message: 'Since the last update the app closes right after the splash screen.',
    email: `bench-${i % 900}@example.com`,
    name: 'Bench',
    category: 'crash',
    phone: '+44 20 7946 0000',
  });

/** The first create answered with anything but 200, to name in the error when none got one. */
let firstRefusal: string | undefined;

async function create(t: Target, i: number): Promise<{ ok: boolean; ticketId?: string; id?: string }> {
  const res = await fetch(`${t.baseUrl}/api/user/log/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: createBody(i) });
  if (res.status !== 200) {
    firstRefusal ??= `${res.status} ${(await res.text()).slice(0, 300)}`;
    return { ok: false };
  }
  const { data } = (await res.json()) as { data: { ticketId: string; id: string } };
  return { ok: true, ticketId: data.ticketId, id: data.id };
}

async function searchable(t: Target, ticketId: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${t.baseUrl}/api/admin/fetch/customer/support`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
        body: JSON.stringify({ ticketId }),
        signal: AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now()))),
      });
      const { data } = (await res.json()) as { data: unknown[] };
      if (data.length > 0) return true;
    } catch (e) {
      // timed out or refused: not found in time
      if (process.env.BENCH_DEBUG) console.error(e);
    }
    // Like an admin screen refreshing; each poll is one search.
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function bench(t: Target): Promise<Record<string, string>> {
  let counter = 0;
  // RSS first, on a quiet process: later phases leave garbage that would blur the figure.
  const target = await create(t, counter++);
  const rss = watchRss(t.fileServicePid);
  const upload = await streamUpload(`${t.baseUrl}/api/user/help/file/upload/${target.id}/LOG`, logBytes);
  const { baseline, peak: rssPeak } = rss.stop();
  await closedLoop(4, 1, async () => (await create(t, counter++)).ok); // warm-up

  // First, on an idle system: latency when the read model keeps up.
  const lowRate = Number(args['low-rate']);
  /**
   * ms from a create's 200 to its ticket being found by an admin search for its
   * ticket id (what support does with the id a customer quotes), creates started
   * at a fixed rate. Every k-th ticket is watched, about 20 new watches a second
   * at any rate, each searching every 20 ms until found: watching every ticket
   * would put rate x polls searches a second on the system and measure the
   * watchers. (An earlier version watched "newest 100 of one user", which on
   * FerretDB, sorting in memory, costs all of that user's tickets per poll and
   * grew with the run: a load no admin screen makes.)
   */
  const visibilityAt = async (rate: number) => {
    const every = Math.max(1, Math.round(rate / 20));
    const samples: number[] = [];
    const watches: Promise<void>[] = [];
    let created = 0;
    let foundCount = 0;
    await openLoop(rate, seconds, async () => {
      const r = await create(t, counter++);
      if (!r.ok || created++ % every !== 0) return;
      const ackedAt = performance.now();
      watches.push(
        searchable(t, r.ticketId!).then((found) => {
          // One never found counts with the time given up after, so p99 can't hide it.
          samples.push(performance.now() - ackedAt);
          if (found) foundCount++;
        }),
      );
    });
    await Promise.all(watches);
    return { samples, created, found: foundCount };
  };
  const lowVisibility = await visibilityAt(lowRate);

  const samples = await closedLoop(concurrency, seconds, async () => (await create(t, counter++)).ok);
  const ok = samples.filter((s) => s.ok);
  // A target that refuses every create measures nothing (a per-user limit left on once printed 0.0 creates/s).
  if (ok.length === 0) throw new Error(`${t.name}: none of ${samples.length} creates got a 200; the first answer: ${firstRefusal ?? 'none'}`);
  const peak = ok.length / seconds;
  const latencies = ok.map((s) => s.ms);

  // The closed loop may have outrun the projection: let it catch up before measuring
  // visibility. Tickets spread over partitions by id, and each partition catches up on
  // its own, so wait for 40 fresh tickets (all 6 partitions hit with p > 0.99), not one.
  const drainStart = performance.now();
  const fresh = await Promise.all(Array.from({ length: 40 }, () => create(t, counter++)));
  const drained = fresh.every((r) => r.ok) && (await Promise.all(fresh.map((r) => searchable(t, r.ticketId!, 120_000)))).every(Boolean);
  const drainSeconds = (performance.now() - drainStart) / 1000;

  const rate = Math.max(1, peak / 2);
  // A read model that never caught up would only measure its backlog: say so instead.
  const visibility = drained ? await visibilityAt(rate) : { samples: [], created: 0, found: 0 };

  return {
    target: t.name,
    'creates/s (closed loop)': fmt(peak),
    'create p50 ms': fmt(percentile(latencies, 50)),
    'create p99 ms': fmt(percentile(latencies, 99)),
    'create errors': String(samples.length - ok.length),
    'backlog drained after s': drained ? fmt(drainSeconds) : 'not within 120 s',
    'visibility rate /s': fmt(rate),
    'create→searchable p50 ms': fmt(percentile(visibility.samples, 50)),
    'create→searchable p99 ms': fmt(percentile(visibility.samples, 99)),
    'found / watched (of created)': `${visibility.found} / ${visibility.samples.length} (${visibility.created})`,
    [`create→searchable p50 ms at ${lowRate}/s`]: fmt(percentile(lowVisibility.samples, 50)),
    [`create→searchable p99 ms at ${lowRate}/s`]: fmt(percentile(lowVisibility.samples, 99)),
    [`found / watched at ${lowRate}/s`]: `${lowVisibility.found} / ${lowVisibility.samples.length} (${lowVisibility.created})`,
    [`upload ${args['log-mib']} MiB status`]: String(upload.status),
    'upload MiB/s': fmt(logBytes / 1024 / 1024 / upload.seconds),
    'file-service RSS growth MiB': fmt((rssPeak - baseline) / 1024 / 1024),
  };
}

const targets = args.targets.split(',');
if (targets.includes('intake')) {
  const { rows } = await intakeThroughput({
    seconds: Number(args['intake-seconds']),
    warmupSeconds: Number(args['intake-warmup']),
    connections: Number(args['intake-connections']),
    rounds: Number(args['intake-rounds']),
    servers: args['intake-servers']?.split(',').map((s) => s.trim()),
  });
  console.log(
    `\nintake: median of ${args['intake-rounds']} round(s), ${args['intake-seconds']}s per server after ${args['intake-warmup']}s warm-up, ${args['intake-connections']} connections (autocannon), ${intakePinning}, node ${process.version}, ${new Date().toISOString()}`,
  );
  console.table(rows);
}

if (targets.includes('observability')) {
  await observabilityCost({
    seconds: Number(args['intake-seconds']),
    warmupSeconds: Number(args['intake-warmup']),
    connections: Number(args['intake-connections']),
    rounds: Number(args['intake-rounds']),
  });
}

const results: Record<string, string>[] = [];
await runReadModelBenches(targets, args);

for (const name of targets.filter((t) => t !== 'intake' && t !== 'observability' && !(READ_MODEL_TARGETS as readonly string[]).includes(t))) {
  const maxLog = `${Math.max(2048, Number(args['log-mib']) * 2)}MiB`;
  if (name !== 'embedded' && name !== 'stack') throw new Error(`unknown target ${name} (known: intake, embedded, stack)`);
  const target = name === 'stack' ? await stackTarget(maxLog) : await embeddedTarget(maxLog);
  try {
    results.push(await bench(target));
  } finally {
    await target.close();
  }
}
if (results.length > 0) {
  console.log(`\nbench: ${seconds}s per phase, concurrency ${concurrency}, node ${process.version}, ${new Date().toISOString()}`);
  // One row per figure, one column per target.
  const metrics = Object.keys(results[0]!).filter((k) => k !== 'target');
  console.table(Object.fromEntries(metrics.map((m) => [m, Object.fromEntries(results.map((r) => [r.target!, r[m]]))])));
}
