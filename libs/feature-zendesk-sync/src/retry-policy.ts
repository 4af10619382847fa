import type { Clock } from './clock';
import { ZendeskError, ZendeskGaveUp } from './zendesk-error';

export type RetryPolicy = {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** 429s wait their Retry-After without using an attempt, but not forever. */
  maxRateLimitWaits?: number;
};

/** Exponential back-off with jitter: somewhere in [ceiling/2, ceiling], ceiling = base·2^(n-1), capped. */
export function backoffMs(failedAttempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failedAttempts - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

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
