/**
 * Observability's cost on intake (issue 12's budget: metrics ≤ 3 %, metrics and tracing ≤ 10 % of
 * throughput), on vs off in one run: intake-api (os durability) with METRICS=off as the baseline,
 * then metrics, metrics + tracing (default sampler: parentbased_traceidratio at 0.1, spans to an
 * OTLP sink that only counts), and metrics + tracing with every request sampled (always_on; a
 * figure, not a budget). Servers interleave over rounds as in the intake step. Two ratios per row:
 * throughput (median req/s, and best round vs best round) and the server's own CPU per request
 * (which other load on a shared machine moves least). The load average is printed before and after.
 *
 *   npm run bench -- --targets observability [--intake-rounds 3] [--intake-seconds 5]
 */
import { loadavg } from 'node:os';
import { INTAKE_SERVERS, intakePinning, intakeThroughput, type IntakeOptions, type IntakeServer } from './intake-throughput';

const OFF = 'intake-api (os) observability off';
const row = (name: string): IntakeServer => {
  const server = INTAKE_SERVERS.find((s) => s.name === name);
  if (!server) throw new Error(`intake step has no server ${name}`);
  return server;
};

const tracing = row('intake-api (os) metrics+tracing');
export const OBSERVABILITY_SERVERS: IntakeServer[] = [
  row(OFF),
  row('intake-api (os) metrics'),
  tracing,
  {
    name: 'intake-api (os) metrics+tracing, all sampled',
    nodeArgs: tracing.nodeArgs,
    env: { ...tracing.env, OTEL_TRACES_SAMPLER: 'always_on' },
    otlpSink: true,
  },
];
const BUDGET: Record<string, number> = { 'intake-api (os) metrics': 0.03, 'intake-api (os) metrics+tracing': 0.1 };

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const num = (s: string | undefined) => Number(s ?? NaN);
const pct = (cost: number) => `${(cost * 100).toFixed(1)} %`;

export async function observabilityCost(options: Omit<IntakeOptions, 'servers' | 'catalog'>): Promise<void> {
  const before = load();
  const rows = await intakeThroughput({ ...options, catalog: OBSERVABILITY_SERVERS });
  const after = load();
  const off = rows[OFF]!;
  const offBest = num(off['req/s range']?.split('–')[1] ?? off['req/s']);
  const summary: Record<string, Record<string, string>> = {};
  for (const [name, r] of Object.entries(rows)) {
    const best = num(r['req/s range']?.split('–')[1] ?? r['req/s']);
    const throughputCost = 1 - num(r['req/s']) / num(off['req/s']);
    const cpuCost = num(r['CPU ms/req']) / num(off['CPU ms/req']) - 1;
    const budget = BUDGET[name];
    summary[name] = {
      'req/s': `${r['req/s']}${r['req/s range'] ? ` (${r['req/s range']})` : ''}`,
      'CPU ms/req': `${r['CPU ms/req']}${r['CPU ms/req min'] ? ` (min ${r['CPU ms/req min']})` : ''}`,
      'throughput cost (median)': name === OFF ? '' : pct(throughputCost),
      'throughput cost (best vs best)': name === OFF ? '' : pct(1 - best / offBest),
      'CPU/req cost (median)': name === OFF ? '' : pct(cpuCost),
      'CPU/req cost (min vs min)': name === OFF || !r['CPU ms/req min'] ? '' : pct(num(r['CPU ms/req min']) / num(off['CPU ms/req min']) - 1),
      budget: budget === undefined ? '' : `≤ ${pct(budget)}: ${throughputCost <= budget ? 'met' : 'NOT met'} (median req/s)`,
    };
  }
  console.log(
    `\nobservability cost on intake: median of ${options.rounds} round(s), ${options.seconds}s per server after ${options.warmupSeconds}s warm-up, ${options.connections} connections, ${intakePinning}, node ${process.version}, ${new Date().toISOString()}; load average (1 5 15 min) before ${before}, after ${after}`,
  );
  console.table(summary);
}
