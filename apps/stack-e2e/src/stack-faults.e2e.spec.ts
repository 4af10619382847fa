import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiClient, infraEnv, skipReason, startStackRun, type StackRun } from './stack-harness';

const repoRoot = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/**
 * Faults in stack mode (event store on PostgreSQL). A stream of creates goes on
 * while parts of the system die; afterwards admin search must hold every
 * acknowledged ticket exactly once.
 */
if (skipReason) console.warn(skipReason);

// The broker restart test restarts the broker that infra/local/start.sh runs, and only that one.
// Likewise the PostgreSQL restart test: only the cluster start.sh runs (FerretDB's storage and the event store's).
const localPostgres =
  existsSync(resolve(repoRoot, '.infra-data/run/ferretdb.pid')) && /^postgres:\/\/postgres@127\.0\.0\.1:54329\//.test(infraEnv.POSTGRES_TEST_URL ?? '');
const postgresSkip =
  skipReason ?? (localPostgres ? undefined : 'PostgreSQL restart skipped: POSTGRES_TEST_URL is not the infra/local cluster on 127.0.0.1:54329');
if (!skipReason && postgresSkip) console.warn(postgresSkip);

const localBroker = existsSync(resolve(repoRoot, '.infra-data/run/kafka.pid')) && infraEnv.KAFKA_BROKERS === '127.0.0.1:9092';
const brokerSkip = skipReason ?? (localBroker ? undefined : 'broker restart skipped: KAFKA_BROKERS is not the infra/local broker on 127.0.0.1:9092');
if (!skipReason && brokerSkip) console.warn(brokerSkip);

type Failure = { status: number; retryAfter: string | null; envelope?: Record<string, unknown>; ms: number };
type Stream = { acked: string[]; errors: number; failures: Failure[]; slowestMs: number; done: Promise<void> };

/**
 * `total` creates, `concurrency` at a time, each worker pausing `pauseMs` between
 * requests so the stream lasts long enough for a fault to land in its middle;
 * `onAcked(n)` lets the test inject the fault at a given count.
 */
function createStream(
  client: ReturnType<typeof apiClient>,
  uuid: string,
  total: number,
  concurrency: number,
  pauseMs: number,
  onAcked: (n: number) => Promise<void>,
): Stream {
  const stream: Stream = { acked: [], errors: 0, failures: [], slowestMs: 0, done: Promise.resolve() };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const started = Date.now();
      const res = await client
        .create({ uuid, udid: `FAULT-${i}`, subject: `fault ${i}`, message: 'm', email: `fault-${i}@example.com`, category: 'fault' })
        .catch(() => ({ status: 0, data: undefined, envelope: undefined, retryAfter: null }));
      const ms = Date.now() - started;
      stream.slowestMs = Math.max(stream.slowestMs, ms);
      if (res.status === 200 && res.data) {
        stream.acked.push(res.data.ticketId);
        await onAcked(stream.acked.length);
      } else {
        stream.errors++;
        stream.failures.push({ status: res.status, retryAfter: res.retryAfter, envelope: res.envelope, ms });
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  stream.done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
  return stream;
}

/**
 * Every acknowledged ticket in admin search exactly once. `unacknowledged` tickets
 * (answered with an error) may be there too, at most one each: an append whose
 * commit reached the store just before the connection broke is stored, though its
 * client saw an error (and would retry with its idempotency key).
 */
async function expectExactlyOnce(client: ReturnType<typeof apiClient>, uuid: string, acked: string[], unacknowledged = 0): Promise<void> {
  await vi.waitFor(
    async () => {
      const found = (await client.searchAll({ uuid })).map((r) => r.ticketId);
      expect(new Set(found).size).toBe(found.length);
      const foundSet = new Set(found);
      expect(acked.filter((t) => !foundSet.has(t))).toEqual([]);
      expect(found.length - acked.length).toBeLessThanOrEqual(unacknowledged);
    },
    { timeout: 90_000, interval: 500 },
  );
}

describe.skipIf(Boolean(skipReason))('stack mode faults', () => {
  let stackRun: StackRun | undefined;
  afterEach(async () => {
    await stackRun?.close();
    stackRun = undefined;
  });

  it('kill -9 of query-service and the relay mid-stream loses and duplicates nothing', async () => {
    stackRun = await startStackRun();
    const { stack } = stackRun;
    const client = apiClient(stack.baseUrl, stackRun.adminToken);
    const uuid = `fault-kill-${stackRun.run}`;
    let killed: Promise<void> | undefined;
    let restarted: Promise<void> | undefined;
    const stream = createStream(client, uuid, 150, 4, 100, async (n) => {
      if (n === 40) killed = Promise.all([stack.kill('query-service', 'SIGKILL'), stack.kill('relay', 'SIGKILL')]).then(() => undefined);
      if (n === 100)
        restarted = (async () => {
          await killed;
          await stack.start(['relay', 'query-service']);
        })();
    });
    await stream.done;
    await restarted;
    expect(stream.acked.length).toBe(150);
    expect(stream.errors).toBe(0);
    await expectExactlyOnce(client, uuid, stream.acked);
  });

  it.skipIf(Boolean(brokerSkip))('a Kafka broker restart mid-stream loses and duplicates nothing', async () => {
    stackRun = await startStackRun();
    const client = apiClient(stackRun.stack.baseUrl, stackRun.adminToken);
    const uuid = `fault-broker-${stackRun.run}`;
    let restart: Promise<unknown> | undefined;
    // ~20 creates/s for ~7.5 s; the broker goes down ~2 s in and is back ~5-10 s later.
    const stream = createStream(client, uuid, 150, 4, 200, async (n) => {
      if (n === 40) restart = run('bash', ['infra/local/restart.sh', 'kafka'], { cwd: repoRoot });
    });
    await stream.done;
    const { stderr } = (await restart) as { stderr: string };
    expect(stderr).toMatch(/kafka: healthy/);
    expect(stream.acked.length).toBe(150);
    await expectExactlyOnce(client, uuid, stream.acked);
  });

  it.skipIf(Boolean(postgresSkip))(
    'PostgreSQL down mid-stream: 503 with Retry-After meanwhile, then everything resumes by itself and loses and duplicates nothing',
    async () => {
      stackRun = await startStackRun();
      const client = apiClient(stackRun.stack.baseUrl, stackRun.adminToken);
      const uuid = `fault-postgres-${stackRun.run}`;
      let restart: Promise<{ stderr: string }> | undefined;
      // ~20 requests/s for ~15 s; PostgreSQL (and with it FerretDB's storage) goes down ~2 s in, for ~3 s plus its stop and start.
      const stream = createStream(client, uuid, 300, 4, 200, async (n) => {
        if (n === 40) restart = run('bash', ['infra/local/restart.sh', 'postgres'], { cwd: repoRoot, env: { ...process.env, PG_DOWN_SECONDS: '3' } });
      });
      await stream.done;
      const { stderr } = await restart!;
      expect(stderr).toMatch(/postgresql: healthy/);
      expect(stderr).toMatch(/ferretdb: healthy/);

      // The outage was seen, and answered as the contract says: 503 in the envelope, with Retry-After, in bounded time.
      expect(stream.failures.length).toBeGreaterThan(0);
      for (const failure of stream.failures) {
        expect(failure).toMatchObject({ status: 503, envelope: { data: null, error: true, detail: { code: 'EVENT_STORE.UNAVAILABLE' } } });
        expect(Number(failure.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      // The connect timeout (5 s) plus the statement timeout (10 s) bound any one request.
      expect(stream.slowestMs).toBeLessThan(16_000);
      // After the outage intake works again by itself: the stream's last creates were acknowledged.
      expect(stream.acked.length).toBeGreaterThan(40);
      const after = await client.create({ uuid, udid: 'FAULT-after', subject: 'after', message: 'm', email: 'after@example.com', category: 'fault' });
      expect(after.status).toBe(200);
      // The relay and query-service resume by themselves: nothing is restarted here.
      await expectExactlyOnce(client, uuid, [...stream.acked, after.data!.ticketId], stream.failures.length);
    },
    180_000,
  ); // the outage and FerretDB's recovery come on top of the stream and the wait for search
});
