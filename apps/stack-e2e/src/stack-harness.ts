import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@support-desk/service-kit';
import { Stack, STACK_SERVICES } from '@support-desk/local-stack';
import { dropEventStoreSchema } from '@support-desk/local-stack/event-store-schema';
import { freeConsecutivePorts } from '@support-desk/local-stack/free-ports';

/**
 * Stack mode for a test run, on the servers `infra/local/start.sh` exported
 * (CI does that first), with the event store on PostgreSQL (POSTGRES_TEST_URL).
 * Each run gets its own topic, consumer groups, database, event store schema
 * (dropped at the end), key prefix, data dirs and ports, so runs never see each
 * other's data.
 */
const envSchema = z.object({
  KAFKA_BROKERS: z.string().optional(),
  MONGODB_URL: z.string().optional(),
  S3_ENDPOINT: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  POSTGRES_TEST_URL: z.string().optional(),
});
export const infraEnv = parseConfig(envSchema);

export const missingInfra = (['KAFKA_BROKERS', 'MONGODB_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'POSTGRES_TEST_URL'] as const).filter((k) => !infraEnv[k]);
export const skipReason = missingInfra.length
  ? `stack e2e skipped: ${missingInfra.join(', ')} not set (run \`eval "$(infra/local/start.sh)"\` first; .ci/run does)`
  : undefined;

export type StackRun = { stack: Stack; adminToken: string; topic: string; run: string; eventStoreSchema: string; close(): Promise<void> };

export async function startStackRun(extraEnv: Record<string, string> = {}): Promise<StackRun> {
  const run = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), `support-desk-stack-${run}-`));
  const topic = `support-desk.e2e-${run}`;
  const mongo = new URL(infraEnv.MONGODB_URL!);
  mongo.pathname = `/supportdesk_e2e_${run}`;
  const adminToken = `stack-e2e-${run}`;
  const eventStore = { url: infraEnv.POSTGRES_TEST_URL!, schema: `stack_e2e_${run.replace(/-/g, '_')}` };
  const { POSTGRES_TEST_URL: _notForTheServices, ...servers } = infraEnv;
  const stack = new Stack({
    basePort: await freeConsecutivePorts(STACK_SERVICES.length),
    dataDir: join(dir, 'data'),
    logDir: join(dir, 'logs'),
    eventStore,
    adminToken,
    env: {
      ...(Object.fromEntries(Object.entries(servers).filter(([, v]) => v !== undefined)) as Record<string, string>),
      MONGODB_URL: mongo.toString(),
      KAFKA_TOPIC: topic,
      KAFKA_PARTITIONS: '3',
      KAFKA_GROUP_PREFIX: `e2e-${run}.`,
      S3_KEY_PREFIX: `e2e-${run}/`,
      S3_FORCE_PATH_STYLE: 'true',
      LOG_LEVEL: 'info',
      // The fault tests create hundreds of tickets for one user: per-user limits off, as in test-desk.ts.
      USER_RATE_LIMIT_TICKETS_PER_HOUR: '0',
      USER_RATE_LIMIT_UPLOADS_PER_HOUR: '0',
      USER_RATE_LIMIT_REPLIES_PER_HOUR: '0',
      ...extraEnv,
    },
  });
  const cleanUp = async () => {
    await stack.stop();
    await dropEventStoreSchema(eventStore.url, eventStore.schema);
    if (!process.env.KEEP_STACK_LOGS) rmSync(dir, { recursive: true, force: true });
    else console.log(`stack logs kept in ${dir}`);
  };
  try {
    await stack.start();
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return { stack, adminToken, topic, run, eventStoreSchema: eventStore.schema, close: cleanUp };
}

/** The HTTP calls of the contract, through the gateway. */
export function apiClient(baseUrl: string, adminToken: string) {
  const api = (path: string, init?: RequestInit) => fetch(`${baseUrl}/api${path}`, init);
  return {
    api,
    async create(
      body: Record<string, unknown>,
    ): Promise<{ status: number; data?: { id: string; ticketId: string }; envelope: Record<string, unknown>; retryAfter: string | null }> {
      const res = await api('/user/log/message', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const envelope = (await res.json()) as { data?: { id: string; ticketId: string } };
      return { status: res.status, data: envelope.data ?? undefined, envelope, retryAfter: res.headers.get('retry-after') };
    },
    async upload(path: string, bytes: Buffer, name: string, type: string) {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      return api(path, { method: 'POST', body: form });
    },
    /** Every record matching the filter, all pages. */
    async searchAll(filter: Record<string, string>): Promise<{ id: string; ticketId: string }[]> {
      const out: { id: string; ticketId: string }[] = [];
      for (let page = 1; ; page++) {
        const res = await api(`/admin/fetch/customer/support?page=${page}&pageSize=100`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
          body: JSON.stringify(filter),
        });
        if (res.status !== 200) throw new Error(`search ${res.status}: ${await res.text()}`);
        const { data } = (await res.json()) as { data: { id: string; ticketId: string }[] };
        out.push(...data);
        if (data.length < 100) return out;
      }
    },
    async download(ticketId: string, fileType: string) {
      const res = await api(`/aws/download/support/file/${ticketId}/${fileType}`, { headers: { authorization: `Bearer ${adminToken}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
    },
  };
}

/** vi.waitFor / expect.poll options across processes and Kafka: more time and slower polls than in-process tests. */
export const acrossStack = { timeout: 20_000, interval: 100 } as const;
