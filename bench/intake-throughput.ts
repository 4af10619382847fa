/**
 * Intake throughput against a naive baseline started in the same run: each server
 * on one core (`taskset -c 1`), the load generator (autocannon, closed loop of
 * `connections`) on the other (`taskset -c 0`), the seed's create body without
 * images. Prints req/s, p99 and each server's ratio to its baseline, so a figure
 * means the same on a faster or slower machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtApp } from '../tools/build.mjs';
import { freePort, startScriptFlags, waitHealthy } from './targets';

export type IntakeServer = {
  name: string;
  /** node's arguments, resolved when the server starts (building a bundle first if it is stale). */
  nodeArgs: () => string[];
  env?: Record<string, string>;
  /** Directory to run it in (default: this checkout), e.g. another commit's worktree to compare before and after. */
  root?: string;
  /** Which baseline this server's ratio is taken against, and the goal it has to reach. */
  versus?: { baseline: string; goal: number };
  /** Tracing on: spans are exported (OTLP/HTTP) to a sink started for the run, which only counts them. */
  otlpSink?: boolean;
};

export type IntakeOptions = {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  servers?: string[];
  /** The servers to choose from (default INTAKE_SERVERS); the observability step brings its own. */
  catalog?: IntakeServer[];
};

/** cpuMsPerRequest: the server's own CPU time per answered request, which other load on the machine barely moves. */
export type IntakeFigure = { reqPerSec: number; p99Ms: number; cpuMsPerRequest: number; non2xx: number; errors: number };

const repoRoot = resolve(import.meta.dirname, '..');
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** The seed's create body, without images (an image would need an upload first). */
export const SEED_CREATE_BODY = JSON.stringify({
  uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
  udid: '7237F578-828D-43D9-995D-F8B7AC8A4881',
  subject: 'sub 1@innoflexion.com',
  message: 'msg 1@innoflexion.com',
  email: 'sudipta.bhaumik@innoflexion.com',
  name: 'sudipta',
  category: 'cat1',
  phone: '+919916248135',
});

const baseline = () => ['--import', 'tsx', 'bench/baseline-server.ts'];
// What production runs: the esbuild bundles, with the flags of `npm start` / the stack launcher.
const intakeApi = () => ['--enable-source-maps', builtApp('intake-api')];
const npmStart = () => [...startScriptFlags(), builtApp('support-desk')];

// autocannon posts one body, so every create comes from one user: the per-user hourly limit (default 10) is off.
const ONE_USER = { USER_RATE_LIMIT_TICKETS_PER_HOUR: '0' };
const OBSERVED = { ...ONE_USER, EVENTSTORE_DURABILITY: 'os' };

/** Every server the step knows, in the order it runs them; each runs in default config unless its env says otherwise. */
export const INTAKE_SERVERS: IntakeServer[] = [
  { name: 'baseline NORMAL', nodeArgs: baseline, env: { BASELINE_SYNC: 'NORMAL' } },
  { name: 'baseline FULL', nodeArgs: baseline, env: { BASELINE_SYNC: 'FULL' } },
  { name: 'intake-api (fsync)', nodeArgs: intakeApi, env: { ...ONE_USER, EVENTSTORE_DURABILITY: 'fsync' }, versus: { baseline: 'baseline FULL', goal: 2 } },
  { name: 'intake-api (os)', nodeArgs: intakeApi, env: { ...ONE_USER, EVENTSTORE_DURABILITY: 'os' }, versus: { baseline: 'baseline NORMAL', goal: 1 } },
  { name: 'npm start (fsync)', nodeArgs: npmStart, env: { ...ONE_USER, EVENTSTORE_DURABILITY: 'fsync' }, versus: { baseline: 'baseline NORMAL', goal: 0.6 } },
  { name: 'npm start (os)', nodeArgs: npmStart, env: { ...ONE_USER, EVENTSTORE_DURABILITY: 'os' }, versus: { baseline: 'baseline NORMAL', goal: 0.6 } },
  // Observability's cost (issue 12's budget), on vs off in the same run: metrics alone ≤ 3 %, metrics and tracing ≤ 10 %.
  // One user sends every create: the per-user hourly limit is off, as in the other bench targets.
  { name: 'intake-api (os) observability off', nodeArgs: intakeApi, env: { ...OBSERVED, METRICS: 'off' } },
  {
    name: 'intake-api (os) metrics',
    nodeArgs: intakeApi,
    env: { ...OBSERVED, METRICS: 'on' },
    versus: { baseline: 'intake-api (os) observability off', goal: 0.97 },
  },
  {
    name: 'intake-api (os) metrics+tracing',
    nodeArgs: intakeApi,
    env: { ...OBSERVED, METRICS: 'on' },
    otlpSink: true,
    versus: { baseline: 'intake-api (os) observability off', goal: 0.9 },
  },
];

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
// As root, servers and load run at a higher priority than the rest of the machine (other builds and tests on a
// shared box), which otherwise take the pinned cores in bursts and make the ratios wander.
const canRaisePriority = process.getuid?.() === 0 && spawnSync('nice', ['-n', '-10', 'true']).status === 0;

/** `[nice -n -10] [taskset -c <core>] node …`, each part where it works; exec'd, so the pid is node's. */
function pinned(core: number, args: string[], options: Parameters<typeof spawn>[2]): ChildProcess {
  const command = [...(canRaisePriority ? ['nice', '-n', '-10'] : []), ...(hasTaskset ? ['taskset', '-c', String(core)] : []), process.execPath, ...args];
  return spawn(command[0]!, command.slice(1), options);
}

/** Embedded means embedded: no server addresses a caller exported for the stack target. */
function embeddedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_|LOG_LEVEL$)/.test(k)));
}

/** User + system CPU ms of a process (all its threads), from /proc; NaN where there is no /proc. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Accepts OTLP/HTTP exports and throws them away: tracing's cost is the server's, not a collector's. */
async function startOtlpSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function startServer(server: IntakeServer, dataDir: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const sink = server.otlpSink ? await startOtlpSink() : undefined;
  const child = pinned(1, server.nodeArgs(), {
    cwd: server.root ?? repoRoot,
    env: {
      ...embeddedEnv(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      BASELINE_DB: join(dataDir, 'baseline.db'),
      ADMIN_TOKEN: 'bench-admin-token',
      ...server.env,
      ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  // A server that dies at start (bad config, port taken) fails the step at once, not after the health timeout.
  const died = exited.then((code) => Promise.reject(new Error(`${server.name} exited with ${code} before it was healthy`)));
  died.catch(() => undefined); // only the race below reports it
  try {
    await Promise.race([waitHealthy(url), died]);
  } catch (error) {
    child.kill('SIGKILL');
    await sink?.close();
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await sink?.close();
    },
  };
}

type AutocannonResult = { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number; timeouts: number; '2xx': number };

function autocannon(url: string, seconds: number, connections: number): Promise<AutocannonResult> {
  const args = [
    autocannonBin,
    '-j',
    '-n',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    SEED_CREATE_BODY,
    `${url}/api/user/log/message`,
  ];
  const child = pinned(0, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as AutocannonResult) : reject(new Error(`autocannon exited ${code}`))));
  });
}

type RunningServer = Awaited<ReturnType<typeof startServer>>;

/** One figure: `seconds` of load on a running server; its CPU counted until it is idle again (deferred work, e.g. a projection's backlog, is its cost too). */
async function measureRunning(server: IntakeServer, running: RunningServer, options: IntakeOptions): Promise<IntakeFigure> {
  const cpuBefore = cpuMs(running.pid);
  const r = await autocannon(running.url, options.seconds, options.connections);
  await idle(running.pid);
  const cpuMsPerRequest = (cpuMs(running.pid) - cpuBefore) / Math.max(1, r['2xx']);
  // A server that refuses the seed's body measures nothing: fail loudly (this is what CI's smoke run checks).
  if (r['2xx'] === 0 || r.non2xx > 0) throw new Error(`${server.name}: ${r['2xx']} answers 2xx, ${r.non2xx} not`);
  return { reqPerSec: r.requests.average, p99Ms: r.latency.p99, cpuMsPerRequest, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

/** Until the process uses under 5 % of a core over 200 ms (at most 10 s): what it was left to do is done. */
async function idle(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let before = cpuMs(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuMs(pid);
    if (!(now - before >= 10)) return;
    before = now;
  }
}

async function startWarm(server: IntakeServer, options: IntakeOptions): Promise<RunningServer & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-intake-bench-'));
  try {
    const running = await startServer(server, dataDir);
    // Warm-up: JIT, SQLite page cache and WAL growth settle before a figure is taken.
    if (options.warmupSeconds > 0) await autocannon(running.url, options.warmupSeconds, options.connections);
    await idle(running.pid);
    return {
      ...running,
      async dispose() {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The median; of an even count, the mean of the middle two. */
export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Per round: `of`'s figure over `baseline`'s figure of the same round. */
export function pairedRatios(runs: IntakeRuns, of: string, baseline: string, figure: (f: IntakeFigure) => number): number[] {
  const base = runs.get(baseline)!;
  return runs.get(of)!.map((f, round) => figure(f) / figure(base[round]!));
}

const rangePct = (ratios: number[]) => `${(Math.min(...ratios) * 100).toFixed(0)}–${(Math.max(...ratios) * 100).toFixed(0)} %`;

/** Each server's figures, one per round, in round order. */
export type IntakeRuns = Map<string, IntakeFigure[]>;

/**
 * Starts the selected servers (each warmed up), then loads them one after the other,
 * `rounds` times over (interleaved, so a burst of other load on the machine hits every
 * server alike), and reports each server's median. A server's baseline is added when
 * not selected.
 */
export async function intakeThroughput(options: IntakeOptions): Promise<{ rows: Record<string, Record<string, string>>; runs: IntakeRuns }> {
  const catalog = options.catalog ?? INTAKE_SERVERS;
  const wanted = new Set(options.servers ?? catalog.map((s) => s.name));
  for (const s of catalog) if (wanted.has(s.name) && s.versus) wanted.add(s.versus.baseline);
  const unknown = [...wanted].filter((n) => !catalog.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown intake server ${unknown.join(', ')} (known: ${catalog.map((s) => s.name).join(', ')})`);
  const selected = catalog.filter((s) => wanted.has(s.name));
  const runs: IntakeRuns = new Map(selected.map((s) => [s.name, []]));
  // Every server is started once and stays up; rounds then take `seconds` of each in turn. A round of
  // all servers lasts seconds, not the minute a restart per figure took, so the machine's own drift
  // (its speed wanders ±15 % over minutes on a quiet 2-core VM) is shared by the figures compared.
  // Idle servers cost nothing measurable: each figure waits until its server is idle again.
  const running = new Map<string, Awaited<ReturnType<typeof startWarm>>>();
  try {
    for (const server of selected) running.set(server.name, await startWarm(server, options));
    for (let round = 0; round < options.rounds; round++) {
      // Every other round in reverse: no server always follows the same other.
      const order = round % 2 === 0 ? selected : [...selected].reverse();
      for (const server of order) {
        const figure = await measureRunning(server, running.get(server.name)!, options);
        runs.get(server.name)!.push(figure);
        // Each round on stderr as it ends: the spread behind a median, and progress on a long run.
        console.error(
          `round ${round + 1}/${options.rounds} ${server.name}: ${figure.reqPerSec.toFixed(0)} req/s, ${figure.cpuMsPerRequest.toFixed(3)} CPU ms/req, p99 ${figure.p99Ms} ms`,
        );
      }
    }
  } finally {
    for (const r of running.values()) await r.dispose();
  }
  const reqPerSec = (name: string) => median(runs.get(name)!.map((f) => f.reqPerSec));
  // Other load on the machine only ever slows a run down: the best round is the closest to the server's capacity.
  const best = (name: string) => Math.max(...runs.get(name)!.map((f) => f.reqPerSec));

  const rows: Record<string, Record<string, string>> = {};
  for (const server of selected) {
    const figures = runs.get(server.name)!;
    const rates = figures.map((f) => f.reqPerSec);
    // The goal is judged on the median of per-round ratios (each server against its baseline of the same
    // round): the machine's speed drifts between rounds (±15 % on a quiet 2-core VM), a ratio within one
    // round cancels that drift, and the median of the ratios ignores a round one burst spoilt.
    const ratios = server.versus ? pairedRatios(runs, server.name, server.versus.baseline, (f) => f.reqPerSec) : undefined;
    const ratio = ratios ? median(ratios) : undefined;
    rows[server.name] = {
      'req/s': reqPerSec(server.name).toFixed(0),
      ...(figures.length > 1 ? { 'req/s range': `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}` } : {}),
      'p99 ms': String(median(figures.map((f) => f.p99Ms))),
      'CPU ms/req': median(figures.map((f) => f.cpuMsPerRequest)).toFixed(3),
      ...(figures.length > 1 ? { 'CPU ms/req min': Math.min(...figures.map((f) => f.cpuMsPerRequest)).toFixed(3) } : {}),
      'non-2xx / errors': `${figures.reduce((n, f) => n + f.non2xx, 0)} / ${figures.reduce((n, f) => n + f.errors, 0)}`,
      'vs baseline':
        ratio === undefined ? '' : `${(ratio * 100).toFixed(0)} % of ${server.versus!.baseline}${ratios!.length > 1 ? ` (rounds ${rangePct(ratios!)})` : ''}`,
      ...(server.versus ? { 'medians ratio': `${((reqPerSec(server.name) / reqPerSec(server.versus.baseline)) * 100).toFixed(0)} %` } : {}),
      ...(figures.length > 1 && server.versus ? { 'best vs best': `${((best(server.name) / best(server.versus.baseline)) * 100).toFixed(0)} %` } : {}),
      goal: ratio === undefined ? '' : `≥ ${(server.versus!.goal * 100).toFixed(0)} %: ${ratio >= server.versus!.goal ? 'met' : 'NOT met'}`,
    };
  }
  return { rows, runs };
}

export const intakePinning = `${hasTaskset ? 'servers on core 1, load on core 0 (taskset)' : 'no taskset: not pinned'}${canRaisePriority ? ', at nice -10' : ''}`;
