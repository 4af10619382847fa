import { describe, expect, it } from 'vitest';
import { signZendeskWebhook, verifyZendeskWebhook } from './webhook-signature';

describe('Zendesk webhook signature', () => {
  const secret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
  const timestamp = '2024-05-13T10:00:00Z';
  const now = Date.parse(timestamp) + 1_000;
  const body = Buffer.from('{"ticket_id":"35436","status":"open"}');
  const check = (over: Partial<Parameters<typeof verifyZendeskWebhook>[0]>) =>
    verifyZendeskWebhook({ secret, signature: signZendeskWebhook(secret, timestamp, body), timestamp, body, now, maxAgeMs: 300_000, ...over });

  it('is base64 HMAC-SHA256 of timestamp + body (Node crypto, computed independently)', async () => {
    const { createHmac } = await import('node:crypto');
    expect(signZendeskWebhook(secret, timestamp, body)).toBe(createHmac('sha256', secret).update(`${timestamp}${body.toString()}`).digest('base64'));
  });

  it('accepts a valid, fresh delivery', () => {
    expect(check({})).toEqual({ ok: true, signedAt: Date.parse(timestamp) });
  });

  it('refuses a tampered body, another secret, a missing header, a stale or future timestamp', () => {
    expect(check({ body: Buffer.from('{"ticket_id":"35436","status":"solved"}') })).toMatchObject({ ok: false, code: 'WEBHOOK.BAD_SIGNATURE' });
    expect(check({ secret: 'other' })).toMatchObject({ ok: false, code: 'WEBHOOK.BAD_SIGNATURE' });
    expect(check({ signature: 'not base64 at all' })).toMatchObject({ ok: false, code: 'WEBHOOK.BAD_SIGNATURE' });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, code: 'WEBHOOK.SIGNATURE_MISSING' });
    expect(check({ now: now + 10 * 60_000 })).toMatchObject({ ok: false, code: 'WEBHOOK.STALE' });
    expect(check({ now: now - 5 * 60_000 })).toMatchObject({ ok: false, code: 'WEBHOOK.STALE' });
  });
});
