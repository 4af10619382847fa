import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { createServiceApp, type ServiceApp } from '@support-desk/service-kit';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { signZendeskWebhook } from './webhook-signature';
import { zendeskWebhookRoute } from './webhook.route';

const SECRET = 'webhook-route-secret';

/** The webhook plugin alone in a service app: the order of its checks and that errors reach the one handler. */
describe('POST /api/zendesk/webhook', () => {
  let store: SqliteEventStore;
  let app: ServiceApp;
  const post = (raw: string | Buffer, options: { contentType?: string; sign?: boolean; timestamp?: string } = {}) => {
    const timestamp = options.timestamp ?? new Date().toISOString();
    const signature = options.sign === false ? {} : { 'x-zendesk-webhook-signature': signZendeskWebhook(SECRET, timestamp, Buffer.from(raw)) };
    return app.inject({
      method: 'POST',
      url: '/api/zendesk/webhook',
      payload: raw,
      headers: { 'content-type': options.contentType ?? 'application/json', 'x-zendesk-webhook-signature-timestamp': timestamp, ...signature },
    });
  };

  beforeAll(async () => {
    store = new SqliteEventStore(':memory:');
    app = await createServiceApp({ name: 'webhook-route-test', logLevel: 'silent' });
    await app.register(zendeskWebhookRoute({ tickets: new TicketCommandHandler(store), webhook: { secret: SECRET, maxAgeMs: 300_000 } }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('checks the signature over the exact bytes received, then lets the schema read them', async () => {
    const res = await post('{ "ticket_id" : 123 ,\n  "status": "pending" }');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      data: { applied: false, ticketId: null, ticketStatus: null },
      detail: null,
      error: false,
      message: 'Not a Support Desk ticket: ignored',
    });
  });

  it('refuses an unsigned delivery before looking at its body', async () => {
    const res = await post('{"ticket_id": ', { sign: false });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ data: null, error: true, detail: { code: 'WEBHOOK.SIGNATURE_MISSING' } });
  });

  it('answers a signed body that is not JSON with 400 MALFORMED_JSON', async () => {
    const res = await post('{"ticket_id": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ data: null, error: true, detail: { code: 'REQUEST.MALFORMED_JSON' } });
  });

  it('answers a signed body that breaks the schema with the validation envelope of every other route', async () => {
    const res = await post(JSON.stringify({ ticket_id: 'abc', status: 'open' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      data: null,
      error: true,
      message: 'Invalid body: body.ticket_id: must be the Zendesk ticket id (digits)',
      detail: { code: 'REQUEST.VALIDATION', issues: [{ path: 'body.ticket_id', message: 'must be the Zendesk ticket id (digits)' }] },
    });
  });

  it('takes any content type (the signature decides), and refuses bodies over 64 KiB with 413', async () => {
    expect((await post(JSON.stringify({ ticket_id: 5, status: 'open' }), { contentType: 'text/plain' })).statusCode).toBe(200);
    const big = await post(JSON.stringify({ ticket_id: 5, status: 'open', pad: 'x'.repeat(70 * 1024) }));
    expect(big.statusCode).toBe(413);
    expect(big.json().detail.code).toBe('REQUEST.TOO_LARGE');
  });
});
