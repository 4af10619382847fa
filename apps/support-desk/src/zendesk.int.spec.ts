import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signZendeskWebhook } from '@support-desk/feature-zendesk-sync';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { admin, catchUp, createTicket, seedCreateBody, startTestDesk, uploadImage, type TestDesk } from './testing/test-desk';

const SECRET = 'webhook-secret-for-tests';

/** The all-in-one app against our fake Zendesk, over HTTP only (app.inject). */
describe('Zendesk sync in the all-in-one app', () => {
  let zendesk: FakeZendesk;
  let desk: TestDesk;
  const zendeskEnv = () => ({
    ZENDESK_URL: zendesk.url,
    ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
    ZENDESK_WEBHOOK_SECRET: SECRET,
    ZENDESK_MAX_ATTEMPTS: '3',
    ZENDESK_RETRY_BASE_MS: '5',
    ZENDESK_RETRY_MAX_MS: '20',
    ZENDESK_TIMEOUT_MS: '500',
    ZENDESK_REQUESTS_PER_MINUTE: '6000',
  });

  const search = async (body: Record<string, string>) => {
    const res = await desk.app.inject({ method: 'POST', url: '/api/admin/fetch/customer/support', payload: body, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as {
      ticketId: string;
      ticketInfo: { supportTicketId: string | null; ticketStatus: string };
      sync: { status: string; reason: string | null };
    }[];
  };
  const record = async (ticketId: string) => (await search({ ticketId }))[0]!;
  const webhook = (body: unknown, options: { timestamp?: string; signature?: string; raw?: string } = {}) => {
    const raw = options.raw ?? JSON.stringify(body);
    const timestamp = options.timestamp ?? new Date().toISOString();
    return desk.app.inject({
      method: 'POST',
      url: '/api/zendesk/webhook',
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': options.signature ?? signZendeskWebhook(SECRET, timestamp, Buffer.from(raw)),
        'x-zendesk-webhook-invocation-id': '8350205582',
      },
    });
  };

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    desk = await startTestDesk(zendeskEnv());
  });
  afterAll(async () => {
    await desk.close();
    await zendesk.close();
  });
  afterEach(() => zendesk.clearFaults());

  async function syncedTicket() {
    const image = await uploadImage(desk.app);
    const created = (await createTicket(desk.app, { ...seedCreateBody, images: [image] })).json().data;
    const synced = await vi.waitFor(async () => {
      const r = await record(created.ticketId);
      expect(r.sync.status).toBe('SYNCED');
      return r;
    }, catchUp);
    return { ticketId: created.ticketId as string, zendeskTicketId: synced.ticketInfo.supportTicketId!, image };
  }

  it('mirrors a new ticket into Zendesk once; search finds it by zendeskTicketId', async () => {
    const { ticketId, zendeskTicketId, image } = await syncedTicket();
    expect(zendeskTicketId).toMatch(/^\d+$/);
    const [found] = await search({ zendeskTicketId });
    expect(found).toMatchObject({ ticketId, ticketInfo: { supportTicketId: zendeskTicketId, ticketStatus: 'CREATED' } });
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);
    const sent = zendesk.requestsTo('create').find((r) => r.headers['idempotency-key'] === ticketId)!;
    expect(JSON.parse(sent.body.toString()).ticket.comment.html_body).toContain(`http://desk.test/api/admin/images/${image}`);
  });

  it('turns a signed webhook into the new ticketStatus; repeats, tampered and stale deliveries change nothing', async () => {
    const { ticketId, zendeskTicketId } = await syncedTicket();
    const body = { ticket_id: zendeskTicketId, external_id: ticketId, status: 'Open', updated_at: new Date().toISOString() };

    const first = await webhook(body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ error: false, data: { applied: true, ticketId, ticketStatus: 'OPEN' } });
    await expect.poll(async () => (await record(ticketId)).ticketInfo.ticketStatus, catchUp).toBe('OPEN');

    const repeat = await webhook(body);
    expect(repeat.json()).toMatchObject({ error: false, data: { applied: false, ticketStatus: 'OPEN' } });

    const raw = JSON.stringify({ ...body, status: 'solved' });
    const timestamp = new Date().toISOString();
    const tampered = await webhook(null, { raw, timestamp, signature: signZendeskWebhook(SECRET, timestamp, Buffer.from(JSON.stringify(body))) });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json()).toMatchObject({ data: null, error: true, detail: { code: 'WEBHOOK.BAD_SIGNATURE' } });

    const stale = await webhook({ ...body, status: 'solved' }, { timestamp: new Date(Date.now() - 10 * 60_000).toISOString() });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().detail.code).toBe('WEBHOOK.STALE');

    const unsigned = await desk.app.inject({ method: 'POST', url: '/api/zendesk/webhook', payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect((await record(ticketId)).ticketInfo.ticketStatus).toBe('OPEN');

    // Found by the Zendesk id alone, too (no external_id in the trigger body).
    const solved = await webhook({ ticket_id: zendeskTicketId, status: 'solved', updated_at: new Date(Date.now() + 1000).toISOString() });
    expect(solved.json().data).toMatchObject({ applied: true, ticketStatus: 'SOLVED' });
    await expect.poll(async () => (await record(ticketId)).ticketInfo.ticketStatus, catchUp).toBe('SOLVED');
  });

  it('answers bad webhook bodies with 400 and tickets that are not ours with 200, ignored', async () => {
    const bad = await webhook(null, { raw: '{"ticket_id": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail.code).toBe('REQUEST.MALFORMED_JSON');
    const invalid = await webhook({ ticket_id: 'abc', status: 'open' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: true, detail: { code: 'REQUEST.VALIDATION' } });
    const foreign = await webhook({ ticket_id: '999999', external_id: null, status: 'open' });
    expect(foreign.statusCode).toBe(200);
    expect(foreign.json().data).toEqual({ applied: false, ticketId: null, ticketStatus: null });
  });

  it('records the failure after the configured attempts; the admin route retries the sync once Zendesk is back', async () => {
    zendesk.inject('create', { kind: 'status', status: 503 }, 3);
    const { ticketId } = (await createTicket(desk.app)).json().data;
    const failed = await vi.waitFor(async () => {
      const r = await record(ticketId);
      expect(r.sync.status).toBe('FAILED');
      return r;
    }, catchUp);
    expect(failed.sync.reason).toMatch(/503/);
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(0);

    const retry = () => desk.app.inject({ method: 'POST', url: `/api/admin/zendesk/sync/${ticketId}`, headers: admin });
    const res = await retry();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({ ticketId, sync: { status: 'SYNCED', reason: null } });
    expect((await retry()).json().data.sync.status).toBe('SYNCED');
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);

    expect((await desk.app.inject({ method: 'POST', url: `/api/admin/zendesk/sync/${ticketId}` })).statusCode).toBe(401);
    expect((await desk.app.inject({ method: 'POST', url: '/api/admin/zendesk/sync/00000000-0000-4000-8000-000000000000', headers: admin })).statusCode).toBe(
      404,
    );
    expect((await desk.app.inject({ method: 'POST', url: '/api/admin/zendesk/sync/nope', headers: admin })).statusCode).toBe(400);
  });
});

describe('Zendesk not configured', () => {
  it('keeps sync off, refuses the webhook and the retry route with 503, and syncs the backlog once configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-zendesk-'));
    const zendesk = await FakeZendesk.start();
    try {
      const off = await startTestDesk({ DATA_DIR: dataDir });
      const made = [(await createTicket(off.app)).json().data.ticketId, (await createTicket(off.app)).json().data.ticketId] as string[];
      const hook = await off.app.inject({ method: 'POST', url: '/api/zendesk/webhook', payload: {} });
      expect(hook.statusCode).toBe(503);
      expect(hook.json().detail.code).toBe('ZENDESK.WEBHOOK_NOT_CONFIGURED');
      const retry = await off.app.inject({ method: 'POST', url: `/api/admin/zendesk/sync/${made[0]}`, headers: admin });
      expect(retry.statusCode).toBe(503);
      expect(retry.json().detail.code).toBe('ZENDESK.NOT_CONFIGURED');
      await off.close();
      expect(zendesk.requests).toHaveLength(0);

      const on = await startTestDesk({ DATA_DIR: dataDir, ZENDESK_URL: zendesk.url, ZENDESK_OAUTH_TOKEN: 't', ZENDESK_RETRY_BASE_MS: '5' });
      try {
        await vi.waitFor(() => {
          for (const ticketId of made) expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);
        }, catchUp);
        await vi.waitFor(async () => {
          const again = await on.app.inject({
            method: 'POST',
            url: '/api/admin/fetch/customer/support',
            payload: { uuid: seedCreateBody.uuid },
            headers: admin,
          });
          expect(again.json().data.map((r: { sync: { status: string } }) => r.sync.status)).toEqual(['SYNCED', 'SYNCED']);
        }, catchUp);
      } finally {
        await on.close();
      }
    } finally {
      await zendesk.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
