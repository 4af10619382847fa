/**
 * Observability's cost on intake (issue 12's budget: metrics ≤ 3 %, metrics and tracing ≤ 10 % of
 * throughput), on vs off in one run: intake-api (os durability) with METRICS=off as the baseline,
 * then metrics, metrics + tracing (default sampler: parentbased_traceidratio at 0.1, spans to an
 * OTLP sink that only counts), and metrics + tracing with every request sampled (always_on; a
 * figure, not a budget). Servers interleave over rounds as in the intake step (every other round
 * reversed).
 *
 * The budget is judged on the median of per-round costs: each server against the "off" server of
 * the same round. On this 2-core VM the machine's own speed drifts ±15 % between rounds even when
 * nothing else runs, which swamps a 3 % cost when medians of different rounds are compared; within a
 * round the drift mostly cancels. The server's own CPU per request is the second view (others' load
 * barely moves it). Load average is printed before and after.
 *
 *   npm run bench -- --targets observability [--intake-rounds 10] [--intake-seconds 5]
 */
import { loadavg } from 'node:os';
import {
  INTAKE_SERVERS,
  intakePinning,
  intakeThroughput,
  median,
  pairedRatios,
  type IntakeFigure,
  type IntakeOptions,
  type IntakeServer,
} from './intake-throughput';

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
const pct = (cost: number) => `${(cost * 100).toFixed(1)} %`;
const range = (costs: number[]) => `${pct(Math.min(...costs))} … ${pct(Math.max(...costs))}`;

export async function observabilityCost(options: Omit<IntakeOptions, 'servers' | 'catalog'>): Promise<void> {
  const before = load();
  const { rows, runs } = await intakeThroughput({ ...options, catalog: OBSERVABILITY_SERVERS });
  const after = load();
  const reqPerSec = (f: IntakeFigure) => f.reqPerSec;
  const cpu = (f: IntakeFigure) => f.cpuMsPerRequest;
  const summary: Record<string, Record<string, string>> = {};
  for (const [name, r] of Object.entries(rows)) {
    const figures = { 'req/s': `${r['req/s']}${r['req/s range'] ? ` (${r['req/s range']})` : ''}`, 'CPU ms/req': r['CPU ms/req']! };
    if (name === OFF) {
      summary[name] = figures;
      continue;
    }
    // Cost per round: 1 − throughput ratio, and CPU-per-request ratio − 1, against the same round's "off".
    const throughputCosts = pairedRatios(runs, name, OFF, reqPerSec).map((ratio) => 1 - ratio);
    const cpuCosts = pairedRatios(runs, name, OFF, cpu).map((ratio) => ratio - 1);
    const cost = median(throughputCosts);
    const budget = BUDGET[name];
    summary[name] = {
      ...figures,
      'throughput cost (median of rounds)': pct(cost),
      'throughput cost per round': range(throughputCosts),
      'CPU/req cost (median of rounds)': pct(median(cpuCosts)),
      'CPU/req cost per round': range(cpuCosts),
      budget: budget === undefined ? '' : `≤ ${pct(budget)}: ${cost <= budget ? 'met' : 'NOT met'}`,
    };
  }
  console.log(
    `\nobservability cost on intake: ${options.rounds} round(s), ${options.seconds}s per server after ${options.warmupSeconds}s warm-up, ${options.connections} connections, ${intakePinning}, node ${process.version}, ${new Date().toISOString()}; load average (1 5 15 min) before ${before}, after ${after}`,
  );
  console.table(summary);
}
