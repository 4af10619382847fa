import { RateLimiter } from './rate-limiter';
import { eraseZendeskRequester } from './zendesk-erasure';
import { ZendeskHttp } from './zendesk-http';
import type { ZendeskSettings } from './zendesk-settings';

/** The erasure's Zendesk step as feature-privacy's zendeskStep takes it; null while Zendesk is off. */
export type ZendeskEraser = { erase: ((zendeskTicketIds: string[]) => Promise<{ note: string | null }>) | null; stop(): void };

/**
 * The erasure's Zendesk step (issue 15) on our Zendesk client: timeouts,
 * Retry-After on 429, retries with the configured back-off. Its own rate
 * limiter (erasures are rare; a 429 from sharing the account's budget with the
 * syncer is waited out). `stop` aborts calls in flight: the step runs again on
 * the next start.
 */
export function zendeskEraserFor(settings: ZendeskSettings | undefined): ZendeskEraser {
  if (!settings) return { erase: null, stop: () => undefined };
  const stopping = new AbortController();
  const http = new ZendeskHttp(settings, new RateLimiter(settings.requestsPerMinute), stopping.signal);
  const retry = { maxAttempts: settings.maxAttempts, baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs };
  return {
    async erase(ids) {
      const result = await eraseZendeskRequester(http, ids, { retry, signal: stopping.signal });
      const refused = result.usersRefused.map((u) => u.userId);
      return { note: refused.length > 0 ? `Zendesk kept end users ${refused.join(', ')}: they still request other tickets that are not closed` : null };
    },
    stop: () => stopping.abort(new Error('stopping')),
  };
}
