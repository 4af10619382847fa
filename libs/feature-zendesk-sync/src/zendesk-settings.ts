/**
 * What the Zendesk client needs; runtime's `zendeskSettings(config)` builds it
 * from the ZENDESK_* variables (see README "Zendesk").
 */
export type ZendeskAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; email: string; apiToken: string };

export type ZendeskSettings = {
  /** e.g. https://acme.zendesk.com, no trailing slash. */
  baseUrl: string;
  auth: ZendeskAuth;
  requestsPerMinute: number;
  /** Tries per Zendesk operation (429s excepted, see retry-policy.ts) before giving up. */
  maxAttempts: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
};

export type ZendeskWebhookSettings = { secret: string | undefined; maxAgeMs: number };

/** Zendesk's attachment limit; bigger files reach the ticket as a link only. */
export const ZENDESK_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/**
 * Zendesk remembers an Idempotency-Key for 2 hours. Any earlier create for a
 * ticket happened after the ticket was requested, so while the ticket is younger
 * than this the key alone prevents a duplicate; past it we look the ticket up by
 * external_id before creating. 15 minutes of margin for clocks and slow requests.
 */
export const IDEMPOTENCY_TRUST_MS = 2 * 60 * 60 * 1000 - 15 * 60 * 1000;

export function authorizationHeader(auth: ZendeskAuth): string {
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.email}/token:${auth.apiToken}`).toString('base64')}`;
}
