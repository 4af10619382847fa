import { z } from 'zod';

const blankIsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
const optionalText = blankIsUnset(z.string().min(1).optional());
const integer = (min: number, max: number, fallback: number) =>
  blankIsUnset(z.coerce.number({ message: 'must be a number' }).int({ message: 'must be a whole number' }).min(min).max(max).default(fallback));

/**
 * Zendesk settings (README "Zendesk"). Sync is on when a target (subdomain or
 * URL) and credentials are both set; a target without credentials is a mistake
 * worth stopping for, credentials alone just leave sync off.
 */
export const zendeskConfigSchema = z.object({
  ZENDESK_SUBDOMAIN: blankIsUnset(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, { message: 'must be the account subdomain only, e.g. "acme" for acme.zendesk.com' })
      .optional(),
  ),
  /** Any base URL (a sandbox, a proxy, the test server); wins over ZENDESK_SUBDOMAIN. */
  ZENDESK_URL: blankIsUnset(z.url({ message: 'must be a URL such as https://acme.zendesk.com' }).optional()),
  /** OAuth access token (preferred: Zendesk retires API tokens in 2027). */
  ZENDESK_OAUTH_TOKEN: optionalText,
  ZENDESK_EMAIL: blankIsUnset(z.email({ message: 'must be the email of the Zendesk agent the API token belongs to' }).optional()),
  ZENDESK_API_TOKEN: optionalText,
  /** Signing secret of the Zendesk webhook; unset → the webhook route refuses every delivery. */
  ZENDESK_WEBHOOK_SECRET: optionalText,
  ZENDESK_WEBHOOK_MAX_AGE_SECONDS: integer(1, 86_400, 300),
  ZENDESK_REQUESTS_PER_MINUTE: integer(1, 100_000, 400),
  ZENDESK_MAX_ATTEMPTS: integer(1, 50, 5),
  ZENDESK_TIMEOUT_MS: integer(100, 600_000, 30_000),
  ZENDESK_RETRY_BASE_MS: integer(1, 600_000, 1_000),
  ZENDESK_RETRY_MAX_MS: integer(1, 3_600_000, 60_000),
  /** The app's own backend, told of each agent public reply so it can send the push (README "App users"); unset = off. */
  USER_NOTIFY_WEBHOOK_URL: blankIsUnset(z.url({ message: 'must be a URL such as https://push.example.com/support-replies' }).optional()),
  /** HMAC-SHA256 key of those notifications (X-Support-Desk-Signature). */
  USER_NOTIFY_WEBHOOK_SECRET: blankIsUnset(z.string().min(16, { message: 'must be at least 16 characters' }).optional()),
  USER_NOTIFY_MAX_ATTEMPTS: integer(1, 20, 6),
  USER_NOTIFY_RETRY_BASE_MS: integer(1, 600_000, 1_000),
});

export type ZendeskConfig = z.output<typeof zendeskConfigSchema>;

/** Cross-field rules, as zod issues so start-up names the variable. */
export function checkZendeskConfig(c: ZendeskConfig, ctx: z.RefinementCtx): void {
  if (Boolean(c.ZENDESK_EMAIL) !== Boolean(c.ZENDESK_API_TOKEN)) {
    const missing = c.ZENDESK_EMAIL ? 'ZENDESK_API_TOKEN' : 'ZENDESK_EMAIL';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'ZENDESK_EMAIL and ZENDESK_API_TOKEN go together: set both or neither' });
  }
  if (c.USER_NOTIFY_WEBHOOK_URL && !c.USER_NOTIFY_WEBHOOK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['USER_NOTIFY_WEBHOOK_SECRET'],
      message: 'USER_NOTIFY_WEBHOOK_URL needs USER_NOTIFY_WEBHOOK_SECRET: notifications are always signed',
    });
  }
  const target = c.ZENDESK_URL ?? c.ZENDESK_SUBDOMAIN;
  if (target && !c.ZENDESK_OAUTH_TOKEN && !c.ZENDESK_API_TOKEN) {
    ctx.addIssue({
      code: 'custom',
      path: ['ZENDESK_OAUTH_TOKEN'],
      message: `Zendesk target ${target} is set but no credentials: set ZENDESK_OAUTH_TOKEN, or ZENDESK_EMAIL and ZENDESK_API_TOKEN`,
    });
  }
}

// The result types are feature-zendesk-sync's ZendeskSettings / ZendeskWebhookSettings,
// matched structurally (runtime may not import a feature lib).
/** The API client's settings, or undefined when sync is off (no target or no credentials). */
export function zendeskSettings(c: ZendeskConfig) {
  const baseUrl = c.ZENDESK_URL ?? (c.ZENDESK_SUBDOMAIN ? `https://${c.ZENDESK_SUBDOMAIN}.zendesk.com` : undefined);
  const auth = c.ZENDESK_OAUTH_TOKEN
    ? { kind: 'bearer' as const, token: c.ZENDESK_OAUTH_TOKEN }
    : c.ZENDESK_EMAIL && c.ZENDESK_API_TOKEN
      ? { kind: 'basic' as const, email: c.ZENDESK_EMAIL, apiToken: c.ZENDESK_API_TOKEN }
      : undefined;
  if (!baseUrl || !auth) return undefined;
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    auth,
    requestsPerMinute: c.ZENDESK_REQUESTS_PER_MINUTE,
    maxAttempts: c.ZENDESK_MAX_ATTEMPTS,
    timeoutMs: c.ZENDESK_TIMEOUT_MS,
    retryBaseMs: c.ZENDESK_RETRY_BASE_MS,
    retryMaxMs: c.ZENDESK_RETRY_MAX_MS,
  };
}

export const zendeskWebhookSettings = (c: ZendeskConfig) => ({
  secret: c.ZENDESK_WEBHOOK_SECRET,
  maxAgeMs: c.ZENDESK_WEBHOOK_MAX_AGE_SECONDS * 1000,
});

/** The push hook's settings (feature-zendesk-sync's UserNotifierSettings), or undefined when USER_NOTIFY_WEBHOOK_URL is unset. */
export const userNotifySettings = (c: ZendeskConfig) =>
  c.USER_NOTIFY_WEBHOOK_URL && c.USER_NOTIFY_WEBHOOK_SECRET
    ? {
        url: c.USER_NOTIFY_WEBHOOK_URL,
        secret: c.USER_NOTIFY_WEBHOOK_SECRET,
        maxAttempts: c.USER_NOTIFY_MAX_ATTEMPTS,
        retryBaseMs: c.USER_NOTIFY_RETRY_BASE_MS,
      }
    : undefined;

export const zendeskConfigured = (c: ZendeskConfig): boolean => zendeskSettings(c) !== undefined;
