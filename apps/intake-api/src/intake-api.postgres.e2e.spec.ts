import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openServiceContext, type ServiceContext } from '@support-desk/composition-root';
import { TcpProxy, describeWithRealServer, findPostgres, runId } from '@support-desk/service-kit/testing';
import { intakeApi } from './app';

const body = { uuid: 'u-pg', udid: 'd-pg', subject: 's', message: 'm', email: 'pg@example.com', category: 'c' };

describeWithRealServer('intake-api on the PostgreSQL event store', await findPostgres(), (postgres) => {
  const schema = `es_test_intake_${runId()}`.replace(/[^a-z0-9_]/g, '_');
  let proxy: TcpProxy;
  let ctx: ServiceContext<'eventStore' | 'blobs', false>;
  let app: Awaited<ReturnType<typeof intakeApi.build>>['app'];
  let dataDir: string;

  beforeAll(async () => {
    proxy = await TcpProxy.start(postgres().url);
    dataDir = mkdtempSync(join(tmpdir(), 'intake-pg-'));
    ctx = await openServiceContext(intakeApi, {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      EVENTSTORE_URL: proxy.urlFor(postgres().url),
      EVENTSTORE_PG_SCHEMA: schema,
      EVENTSTORE_PG_CONNECT_TIMEOUT_MS: '500',
      EVENTSTORE_PG_STATEMENT_TIMEOUT_MS: '2000',
    });
    ({ app } = await intakeApi.build(ctx));
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.adapters.close();
    await proxy?.stop();
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: postgres().url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is selected by a postgres:// EVENTSTORE_URL and stores the ticket there', async () => {
    expect(ctx.adapters.describe.eventStore).toMatch(/^PostgreSQL /);
    const res = await app.inject({ method: 'POST', url: '/api/user/log/message', payload: body });
    expect(res.statusCode).toBe(200);
    const recordId = res.json().data.id as string;
    const stored = await ctx.adapters.eventStore.readStream(`support-ticket-${recordId}`);
    expect(stored.map((e) => e.type)).toEqual(['TicketRequested']);
  });

  it('answers 503 with Retry-After in the envelope while PostgreSQL is unreachable, and recovers by itself', async () => {
    proxy.cut('refuse');
    const started = Date.now();
    const down = await app.inject({ method: 'POST', url: '/api/user/log/message', payload: body });
    expect(down.statusCode).toBe(503);
    expect(Number(down.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(down.json()).toMatchObject({ data: null, error: true, detail: { code: 'EVENT_STORE.UNAVAILABLE' } });
    // Bounded: the connect timeout (500 ms) plus retries, not a hang.
    expect(Date.now() - started).toBeLessThan(10_000);
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(503);

    proxy.heal();
    const up = await app.inject({ method: 'POST', url: '/api/user/log/message', payload: body });
    expect(up.statusCode).toBe(200);
  });
});
