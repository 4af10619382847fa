/**
 * Start-up cost of one app: time from spawn to the first 200 from /api/health, and
 * the server's CPU time and RSS at that moment, over fresh DATA_DIRs on embedded
 * adapters. CPU time is the steadier figure on a busy machine. Figures, not pass/fail.
 *
 *   npx tsx bench/startup.ts [--mode bundle|tsx|npm-start] [--app support-desk] [--runs 5] [--source-maps on|off]
 *
 * bundle: node on dist/apps/<app>/main.js (run `npm run build` first); tsx: the
 * TypeScript sources through tsx, as production ran before the build; npm-start:
 * `npm start` as a user types it (support-desk only; includes the build check).
 * --source-maps off drops --enable-source-maps from the bundle's command, to see its cost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rssOf } from './rss';
import { freePort, startScriptFlags } from './targets';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'bundle' },
    app: { type: 'string', default: 'support-desk' },
    runs: { type: 'string', default: '5' },
    'source-maps': { type: 'string', default: 'on' },
  },
});
const repoRoot = resolve(import.meta.dirname, '..');
const app = args.app;
const mode = args.mode;
/** The V8 flags `npm start` (its script in package.json) and the file-service's launchers use; source maps go by --source-maps. */
const flags =
  app === 'support-desk' ? startScriptFlags().filter((f) => f !== '--enable-source-maps') : app === 'file-service' ? ['--max-semi-space-size=1'] : [];

function command(): [string, string[]] {
  switch (mode) {
    case 'bundle': {
      const bundle = `dist/apps/${app}/main.js`;
      if (!existsSync(join(repoRoot, bundle))) throw new Error(`${bundle} is missing: run npm run build first`);
      return [process.execPath, [...flags, ...(args['source-maps'] === 'off' ? [] : ['--enable-source-maps']), bundle]];
    }
    case 'tsx':
      return [process.execPath, [...flags, '--import', 'tsx', `apps/${app}/src/main.ts`]];
    case 'npm-start':
      if (app !== 'support-desk') throw new Error('--mode npm-start runs support-desk only');
      return ['npm', ['start', '--silent']];
    default:
      throw new Error(`--mode must be bundle, tsx or npm-start, not ${mode}`);
  }
}

/** The node process serving the app: the child itself, or (npm start) the node in its process group. */
function serverPid(child: ChildProcess): number {
  if (mode !== 'npm-start') return child.pid!;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      // The node running main.js, not the shell whose command line names it too.
      if (pgrp === child.pid && argv[0]!.endsWith('node') && argv.some((a) => a.endsWith('/main.js'))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('server process not found in the npm start group');
}

type Run = { ms: number; cpuMs: number; rssMiB: number };

/** User + system CPU time of a process so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [utime, stime] = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .slice(11, 13)
    .map(Number);
  return (utime! + stime!) * 10;
}

async function runOnce(): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-startup-'));
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_)/.test(k)));
  const [file, argv] = command();
  const started = performance.now();
  const child = spawn(file, argv, {
    cwd: repoRoot,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'startup-bench', LOG_LEVEL: 'warn' },
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error('not healthy within 60 s');
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    const pid = serverPid(child);
    return { ms, cpuMs: cpuMsOf(pid), rssMiB: rssOf(pid) / 2 ** 20 };
  } finally {
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let i = 0; i < Number(args.runs); i++) {
  const r = await runOnce();
  results.push(r);
  console.log(`run ${i + 1}: ${r.ms.toFixed(0)} ms to healthy, CPU ${r.cpuMs} ms, RSS ${r.rssMiB.toFixed(0)} MiB`);
}
const summary = (name: string, xs: number[], unit: string) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `${name} median ${sorted[Math.floor(xs.length / 2)]!.toFixed(0)} ${unit} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
};
console.log(
  `${app} (${mode}${mode === 'bundle' && args['source-maps'] === 'off' ? ', no source maps' : ''}), ${results.length} runs: ` +
    [
      summary(
        'start→healthy',
        results.map((r) => r.ms),
        'ms',
      ),
      summary(
        'CPU',
        results.map((r) => r.cpuMs),
        'ms',
      ),
      summary(
        'RSS',
        results.map((r) => r.rssMiB),
        'MiB',
      ),
    ].join(', '),
);
