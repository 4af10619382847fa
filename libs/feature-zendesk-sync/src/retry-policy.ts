import { backoffMs } from '@support-desk/service-kit/backoff';
import type { Clock } from './clock';
import { ZendeskError, ZendeskGaveUp } from './zendesk-error';

export type RetryPolicy = {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** 429s wait their Retry-After without using an attempt, but not forever. */
  maxRateLimitWaits?: number;
};

type RetryHooks = { clock: Clock; signal?: AbortSignal; onRetry?: (error: ZendeskError, attempt: number, delayMs: number) => void };

/**
 * Runs a Zendesk operation until it succeeds, is refused, or runs out of
 * attempts (then ZendeskGaveUp). Anything that isn't a ZendeskError (abort on
 * shutdown, a bug) goes straight through.
 */
export async function withRetries<T>(operation: string, run: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const maxRateLimitWaits = policy.maxRateLimitWaits ?? 20;
  let failed = 0;
  let rateLimited = 0;
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ZendeskError)) throw error;
      let delay: number;
      if (error.kind === 'rate-limited' && rateLimited < maxRateLimitWaits) {
        rateLimited++;
        delay = error.retryAfterMs ?? policy.baseMs;
      } else {
        failed++;
        if (!error.retryable || failed >= policy.maxAttempts) throw new ZendeskGaveUp(operation, failed, error);
        delay = backoffMs(failed, policy.baseMs, policy.maxMs);
      }
      hooks.onRetry?.(error, failed + rateLimited, delay);
      await hooks.clock.sleep(delay, hooks.signal);
    }
  }
}
