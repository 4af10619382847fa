import { createHmac, timingSafeEqual } from 'node:crypto';

/** Zendesk's webhook signature: base64(HMAC-SHA256(secret, timestamp + raw body)). */
export function signZendeskWebhook(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(body).digest('base64');
}

export type WebhookVerdict = { ok: true; signedAt: number } | { ok: false; code: string; message: string };

/** A delivery may come this far ahead of our clock (clock skew), no further. */
export const MAX_FUTURE_SKEW_MS = 60_000;

/**
 * Checks the signature over the exact bytes received, then the age of the
 * timestamp, so a captured delivery can't be replayed later.
 */
export function verifyZendeskWebhook(input: {
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  body: Buffer;
  now: number;
  maxAgeMs: number;
}): WebhookVerdict {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) {
    return { ok: false, code: 'WEBHOOK.SIGNATURE_MISSING', message: 'X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required' };
  }
  const expected = Buffer.from(signZendeskWebhook(input.secret, timestamp, input.body), 'base64');
  const given = Buffer.from(signature.trim(), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'WEBHOOK.BAD_SIGNATURE', message: 'The webhook signature does not match' };
  }
  const signedAt = Date.parse(timestamp);
  if (!Number.isFinite(signedAt)) return { ok: false, code: 'WEBHOOK.BAD_TIMESTAMP', message: 'The webhook timestamp is not a date' };
  if (input.now - signedAt > input.maxAgeMs || signedAt - input.now > MAX_FUTURE_SKEW_MS) {
    return { ok: false, code: 'WEBHOOK.STALE', message: `The webhook timestamp ${timestamp} is outside the accepted window` };
  }
  return { ok: true, signedAt };
}
