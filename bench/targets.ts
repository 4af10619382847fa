import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtApp } from '../tools/build.mjs';

export type Target = {
  name: string;
  baseUrl: string;
  adminToken: string;
  /** The process that receives uploads (file-service), for the RSS figure. */
  fileServicePid: number;
  /** Stack mode: the topic the relay publishes to (on KAFKA_BROKERS). */
  topic?: string;
  close(): Promise<void>;
};

const repoRoot = resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

export async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not healthy within ${timeoutMs} ms`);
}

/** node's flags in package.json's "start" script (e.g. the young generation's size): the bench runs what `npm start` runs. */
export function startScriptFlags(root = repoRoot): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const command = scripts.start.split('&&').at(-1)!.trim().split(/\s+/);
  return command.slice(1).filter((arg) => arg.startsWith('--'));
}

/**
 * A load generator is many tickets from one address and few users: the per-user
 * (without app tokens, per-address) hourly limits off, or every create after the
 * tenth is a 429.
 */
const LOAD_GENERATOR_LIMITS = { USER_RATE_LIMIT_TICKETS_PER_HOUR: '0', USER_RATE_LIMIT_UPLOADS_PER_HOUR: '0', USER_RATE_LIMIT_REPLIES_PER_HOUR: '0' };

/** `npm start`'s command without npm around it, so its pid is the server's (the bundle, rebuilt first if stale). */
export async function embeddedTarget(maxLogBytes: string): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-bench-'));
  const port = await freePort();
  const adminToken = 'bench-admin-token';
  // Embedded means embedded: drop server addresses a caller may have exported for the stack target.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_)/.test(k)));
  const child = spawn(process.execPath, [...startScriptFlags(), builtApp('support-desk')], {
    cwd: repoRoot,
    env: {
      ...env,
      ...LOAD_GENERATOR_LIMITS,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      MAX_LOG_BYTES: maxLogBytes,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitHealthy(baseUrl);
  return {
    name: 'embedded',
    baseUrl,
    adminToken,
    fileServicePid: child.pid!,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stack mode: relay, four services and the gateway as separate processes on the
 * servers `infra/local/start.sh` exported (run `eval "$(infra/local/start.sh)"`
 * first). Its own topic, database and key prefix, so nothing else is disturbed.
 */
export async function stackTarget(maxLogBytes: string): Promise<Target> {
  const { Stack, STACK_SERVICES } = await import('@support-desk/local-stack');
  const { freeConsecutivePorts } = await import('@support-desk/local-stack/free-ports');
  const env = process.env;
  const { dropEventStoreSchema } = await import('@support-desk/local-stack/event-store-schema');
  const missing = ['KAFKA_BROKERS', 'MONGODB_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'POSTGRES_TEST_URL'].filter((k) => !env[k]);
  if (missing.length) throw new Error(`stack target needs ${missing.join(', ')}: run eval "$(infra/local/start.sh)" first`);
  const run = `bench${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'support-desk-bench-stack-'));
  const mongo = new URL(env.MONGODB_URL!);
  mongo.pathname = `/supportdesk_${run}`;
  const adminToken = 'bench-admin-token';
  // The event store on PostgreSQL as in stack mode, in a schema of this run's own (dropped at the end).
  const eventStore = { url: env.POSTGRES_TEST_URL!, schema: `stack_${run}` };
  const pin = stackPinning();
  const stack = new Stack({
    basePort: await freeConsecutivePorts(STACK_SERVICES.length),
    cpus: pin?.services,
    dataDir: join(dir, 'data'),
    logDir: join(dir, 'logs'),
    eventStore,
    adminToken,
    env: {
      KAFKA_TOPIC: `support-desk.${run}`,
      KAFKA_GROUP_PREFIX: `${run}.`,
      MONGODB_URL: mongo.toString(),
      S3_KEY_PREFIX: `${run}/`,
      LOG_LEVEL: 'warn',
      MAX_LOG_BYTES: maxLogBytes,
      ...LOAD_GENERATOR_LIMITS,
    },
  });
  await stack.start();
  // -a: every thread of this process (libuv's pool too), the load generator.
  if (pin) execFileSync('taskset', ['-a', '-p', '-c', pin.load, String(process.pid)], { stdio: 'ignore' });
  return {
    name: pin ? `stack (pinned)` : 'stack',
    baseUrl: stack.baseUrl,
    adminToken,
    fileServicePid: stack.pid('file-service')!,
    topic: `support-desk.${run}`,
    async close() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
      await dropRunData(mongo.toString(), env.KAFKA_BROKERS!, `support-desk.${run}`);
      await dropEventStoreSchema(eventStore.url, eventStore.schema);
    },
  };
}

/** Leaves the shared servers as found: each run's database and topics would otherwise pile up. */
async function dropRunData(mongoUrl: string, brokers: string, topic: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * BENCH_STACK_PIN=1: the stack's six processes on core 1, this process (the load
 * generator) on core 0, each with `taskset`. Kafka, FerretDB and PostgreSQL are
 * not pinned (they are shared, already running): they use both cores.
 */
function stackPinning(): { services: string; load: string } | undefined {
  if (process.env.BENCH_STACK_PIN !== '1') return undefined;
  if (spawnSync('taskset', ['-c', '0', 'true']).status !== 0) throw new Error('BENCH_STACK_PIN=1 needs taskset (util-linux) and two cores');
  return { services: '1', load: '0' };
}
