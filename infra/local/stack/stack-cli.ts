/**
 * npm run stack:up / stack:down (through infra/local/stack.sh, which starts the
 * servers first and exports their variables, STACK_EVENTSTORE_URL among them).
 * `up` returns once every service is healthy; the services run on, detached,
 * each writing its own log file. The admin token is kept here, by the CLI, and
 * handed to the services: they write nothing to disk.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACK_SERVICES, Stack } from './stack';

const repoRoot = resolve(import.meta.dirname, '../../..');
const infraData = resolve(process.env.SUPPORT_DESK_INFRA_DATA ?? join(repoRoot, '.infra-data'));
const stackDir = join(infraData, 'stack');
const runDir = join(infraData, 'run');
const pidFile = (service: string) => join(runDir, `stack-${service}.pid`);

function adminToken(): string {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(stackDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function up(): Promise<void> {
  mkdirSync(stackDir, { recursive: true });
  mkdirSync(runDir, { recursive: true });
  const running = STACK_SERVICES.filter((s) => existsSync(pidFile(s)) && alive(Number(readFileSync(pidFile(s), 'utf8'))));
  if (running.length > 0) throw new Error(`already running: ${running.join(', ')} (npm run stack:down first)`);
  // Not EVENTSTORE_URL: start.sh's exports reach every test, and that name would move them all onto PostgreSQL.
  const eventStoreUrl = process.env.STACK_EVENTSTORE_URL;
  if (!eventStoreUrl)
    throw new Error('STACK_EVENTSTORE_URL is not set: stack mode keeps its events on PostgreSQL (infra/local/stack.sh sets it from start.sh)');
  const eventStore = { url: eventStoreUrl, schema: process.env.STACK_EVENTSTORE_SCHEMA ?? 'eventstore' };
  const token = adminToken();
  const dataDir = join(stackDir, 'data');
  // Before this store moved to PostgreSQL, stack mode kept its events in this file.
  if (existsSync(join(dataDir, 'events.db'))) {
    console.warn(`note: ${join(dataDir, 'events.db')} is an earlier stack's SQLite event store, no longer read; copy it over with`);
    console.warn(`  npm run eventstore:copy-to-postgres -- --from ${join(dataDir, 'events.db')} --to ${eventStore.url} --schema ${eventStore.schema}`);
  }
  const stack = new Stack({
    basePort: Number(process.env.STACK_PORT ?? 3000),
    dataDir,
    eventStore,
    adminToken: token,
    logDir: join(infraData, 'logs', 'stack'),
    env: {},
    detached: true,
    // Recorded at once: even an `up` interrupted while waiting leaves `down` able to stop them.
    onSpawn: (service, pid) => writeFileSync(pidFile(service), String(pid)),
  });
  try {
    await stack.start();
  } catch (error) {
    // Half a stack helps nobody and would block the next `up`: stop what did start.
    await stack.stop();
    for (const s of STACK_SERVICES) rmSync(pidFile(s), { force: true });
    throw error;
  }
  console.log(`\nStack mode is up: ${stack.baseUrl}/api (one base URL through the gateway)`);
  console.log(`  services: ${STACK_SERVICES.map((s) => `${s} :${stack.port(s)}`).join(', ')}`);
  console.log(`  event store: PostgreSQL ${eventStore.url} schema ${eventStore.schema}`);
  console.log(`  admin token: ${token}   logs: ${join(infraData, 'logs', 'stack')}`);
  console.log('  stop with: npm run stack:down\n');
}

async function down(): Promise<void> {
  for (const service of [...STACK_SERVICES].reverse()) {
    const file = pidFile(service);
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8'));
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      console.log(`stopped ${service} (pid ${pid})`);
    }
    rmSync(file, { force: true });
  }
}

const command = process.argv[2];
if (command === 'up') await up();
else if (command === 'down') await down();
else {
  console.error('usage: stack-cli.ts up|down');
  process.exit(2);
}
