import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { STACK_SERVICES } from '@support-desk/local-stack';
import { dropEventStoreSchema } from '@support-desk/local-stack/event-store-schema';
import { freeConsecutivePorts } from '@support-desk/local-stack/free-ports';
import { infraEnv, skipReason } from './stack-harness';

if (skipReason) console.warn(skipReason);

const repoRoot = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/**
 * `npm run stack:up` as a newcomer types it: infra/local/stack.sh starts the servers
 * and then runs this CLI, which must print its banner and give the terminal back
 * while the services keep running; `stack:down` stops them. Run on its own data
 * dir, topic, database and ports, so it never meets a stack someone else started.
 */
describe.skipIf(Boolean(skipReason))('stack CLI', () => {
  const id = randomUUID().slice(0, 8);
  const infraData = mkdtempSync(join(tmpdir(), `support-desk-stack-cli-${id}-`));
  let env: NodeJS.ProcessEnv;
  const schema = `stack_cli_${id}`;
  const cli = (command: 'up' | 'down', timeout: number) =>
    run(process.execPath, ['--import', 'tsx', 'infra/local/stack/stack-cli.ts', command], { cwd: repoRoot, env, timeout, killSignal: 'SIGKILL' });

  afterAll(async () => {
    if (env) await cli('down', 60_000).catch(() => undefined);
    if (env) await dropEventStoreSchema(infraEnv.POSTGRES_TEST_URL!, schema);
    rmSync(infraData, { recursive: true, force: true });
  });

  it('up returns once the stack is up, the services keep running, down stops them', async () => {
    const mongo = new URL(infraEnv.MONGODB_URL!);
    mongo.pathname = `/supportdesk_cli_${id}`;
    const port = await freeConsecutivePorts(STACK_SERVICES.length);
    env = {
      ...process.env,
      SUPPORT_DESK_INFRA_DATA: infraData,
      STACK_PORT: String(port),
      MONGODB_URL: mongo.toString(),
      KAFKA_TOPIC: `support-desk.cli-${id}`,
      KAFKA_GROUP_PREFIX: `cli-${id}.`,
      STACK_EVENTSTORE_URL: infraEnv.POSTGRES_TEST_URL,
      STACK_EVENTSTORE_SCHEMA: schema,
      S3_KEY_PREFIX: `cli-${id}/`,
      S3_FORCE_PATH_STYLE: 'true',
      ADMIN_TOKEN: `cli-${id}`,
    };

    // Before the fix it printed the banner and then never exited: the timeout kills it and this fails.
    const up = await cli('up', 120_000);
    expect(up.stdout).toContain(`Stack mode is up: http://127.0.0.1:${port}/api`);
    expect(up.stdout).toContain(`event store: PostgreSQL ${infraEnv.POSTGRES_TEST_URL} schema ${schema}`);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    const search = await fetch(`http://127.0.0.1:${port}/api/admin/fetch/customer/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer cli-${id}` },
      body: '{}',
    });
    expect(search.status).toBe(200);

    const down = await cli('down', 60_000);
    expect(down.stdout).toContain('stopped gateway');
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  });
});
