import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- tools/ is the repo's build script, not a project
import { builtApp } from '../../../tools/build.mjs';

/**
 * Stack mode: relay, intake-api, file-service, query-service, zendesk-sync and
 * the gateway, each its own node process, on real adapters chosen by the
 * environment (KAFKA_BROKERS, MONGODB_URL, S3_*) and the event store and
 * checkpoints on PostgreSQL (`eventStore`). No process keeps anything on its own
 * disk: each gets an empty, read-only DATA_DIR and its ADMIN_TOKEN through the
 * environment, so any number of them can run on any number of machines. Used by
 * the `npm run stack:up` CLI, the stack e2e tests and the benchmarks.
 */
export const STACK_SERVICES = ['relay', 'intake-api', 'file-service', 'query-service', 'zendesk-sync', 'gateway'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

export type StackOptions = {
  /** Ports: gateway = base, then intake +1, files +2, query +3, zendesk +4, relay +5. */
  basePort: number;
  /**
   * Parent of each process's DATA_DIR (`<dataDir>/<service>`): made empty and
   * read-only (0555), so a process that tried to keep a file there would fail
   * (and, as root, where the mode does not stop it, the tests see the file).
   */
  dataDir: string;
  /** The event store and checkpoints: a postgres:// URL and this stack's own schema in it. */
  eventStore: { url: string; schema: string };
  /** ADMIN_TOKEN of every process (without it a service would make one and keep it in DATA_DIR). */
  adminToken: string;
  logDir: string;
  /** Infra and everything else every service gets (KAFKA_BROKERS, MONGODB_URL, S3_*, LOG_LEVEL...); wins over the above. */
  env: Record<string, string>;
  /** CPUs the services run on (`taskset -c`), e.g. "1" so a benchmark's load generator has core 0 to itself. */
  cpus?: string;
  /** Detached processes outlive this one (CLI); attached ones die with it (tests). */
  detached?: boolean;
  /** Told each process as it starts, before it is healthy (the CLI records pids for `down`). */
  onSpawn?: (service: StackService, pid: number) => void;
};

const repoRoot = resolve(import.meta.dirname, '../../..');
/**
 * file-service streams large bodies: with a 1 MiB young generation the chunks'
 * garbage is collected at once instead of filling V8's default 16 MiB semi-spaces
 * (bench: RSS growth for a 1 GiB upload 47-64 MiB -> 14 MiB, same throughput).
 */
const NODE_FLAGS: Partial<Record<StackService, string[]>> = { 'file-service': ['--max-semi-space-size=1'] };
const OFFSETS: Record<StackService, number> = { gateway: 0, 'intake-api': 1, 'file-service': 2, 'query-service': 3, 'zendesk-sync': 4, relay: 5 };

export class Stack {
  private readonly children = new Map<StackService, ChildProcess>();

  constructor(readonly options: StackOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.basePort}`;
  }

  port(service: StackService): number {
    return this.options.basePort + OFFSETS[service];
  }

  /** The DATA_DIR `service` runs with (empty and read-only). */
  dataDirOf(service: StackService): string {
    return join(this.options.dataDir, service);
  }

  pid(service: StackService): number | undefined {
    return this.children.get(service)?.pid;
  }

  async start(services: readonly StackService[] = STACK_SERVICES): Promise<void> {
    for (const service of services) this.spawn(service);
    await Promise.all(services.map((s) => this.waitHealthy(s)));
  }

  /** SIGTERM (clean) or SIGKILL (crash) one service and wait for it to go. */
  async kill(service: StackService, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.children.get(service);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  async restart(service: StackService, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.kill(service, signal);
    this.spawn(service);
    await this.waitHealthy(service);
  }

  async stop(): Promise<void> {
    // Gateway and producers first, consumers last, so in-flight work can drain.
    for (const service of [...STACK_SERVICES].reverse()) await this.kill(service);
  }

  private spawn(service: StackService): void {
    mkdirSync(this.options.logDir, { recursive: true });
    mkdirSync(this.dataDirOf(service), { recursive: true });
    chmodSync(this.dataDirOf(service), 0o555);
    // The child writes its log file itself: piped through this process, its output would
    // keep `npm run stack:up` waiting for as long as the services run.
    const log = openSync(this.logFile(service), 'a');
    // The bundle production runs (rebuilt first if its sources changed), not the TypeScript sources.
    // STACK_NODE_FLAGS: extra flags for every service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
    // (not allowed in NODE_OPTIONS), to see where a stack run's CPU goes.
    const extra = process.env.STACK_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
    const node = [process.execPath, ...(NODE_FLAGS[service] ?? []), ...extra, '--enable-source-maps', builtApp(service)];
    // taskset execs node: the pid stays the service's.
    const [command, ...args] = this.options.cpus ? ['taskset', '-c', this.options.cpus, ...node] : node;
    const child = spawn(command!, args, {
      cwd: repoRoot,
      env: { ...process.env, ...this.env(service), ...this.options.env, PORT: String(this.port(service)), HOST: '127.0.0.1' },
      detached: this.options.detached ?? false,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    if (this.options.detached) child.unref();
    this.children.set(service, child);
    if (child.pid) this.options.onSpawn?.(service, child.pid);
  }

  private env(service: StackService): Record<string, string> {
    return {
      DATA_DIR: this.dataDirOf(service),
      EVENTSTORE_URL: this.options.eventStore.url,
      EVENTSTORE_PG_SCHEMA: this.options.eventStore.schema,
      ADMIN_TOKEN: this.options.adminToken,
      PUBLIC_BASE_URL: this.baseUrl,
      INTAKE_API_URL: `http://127.0.0.1:${this.port('intake-api')}`,
      FILE_SERVICE_URL: `http://127.0.0.1:${this.port('file-service')}`,
      QUERY_SERVICE_URL: `http://127.0.0.1:${this.port('query-service')}`,
      ZENDESK_SYNC_URL: `http://127.0.0.1:${this.port('zendesk-sync')}`,
    };
  }

  private async waitHealthy(service: StackService, timeoutMs = 90_000): Promise<void> {
    const child = this.children.get(service)!;
    const url = service === 'gateway' ? `${this.baseUrl}/health/ready` : `http://127.0.0.1:${this.port(service)}/health/ready`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}; the end of ${this.logFile(service)}:\n${this.logTail(service)}`);
      try {
        if ((await fetch(url)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${service} not healthy within ${timeoutMs} ms; the end of ${this.logFile(service)}:\n${this.logTail(service)}`);
  }

  private logFile(service: StackService): string {
    return join(this.options.logDir, `${service}.log`);
  }

  /** In the error itself: a test run removes its log directory when it ends. */
  private logTail(service: StackService): string {
    try {
      return readFileSync(this.logFile(service), 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
