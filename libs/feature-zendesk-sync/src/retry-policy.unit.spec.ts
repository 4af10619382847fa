import { describe, expect, it } from 'vitest';
import type { Clock } from './clock';
import { withRetries } from './retry-policy';
import { ZendeskError, ZendeskGaveUp } from './zendesk-error';
import { retryAfterMs } from './zendesk-http';

const clock = (): Clock & { slept: number[] } => {
  const slept: number[] = [];
  return { slept, now: () => 0, sleep: async (ms) => void slept.push(ms) };
};

const failing = (errors: ZendeskError[]) => {
  let calls = 0;
  return {
    calls: () => calls,
    run: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return 'ok';
    },
  };
};

describe('retry policy', () => {
  it('waits Retry-After for a 429 without using up an attempt, and backs off on 5xx and timeouts', async () => {
    const c = clock();
    const op = failing([new ZendeskError('rate-limited', '429', 429, 7_000), new ZendeskError('unavailable', '500', 500), new ZendeskError('timeout', 'slow')]);
    expect(await withRetries('create', op.run, { maxAttempts: 3, baseMs: 100, maxMs: 1_000 }, { clock: c })).toBe('ok');
    expect(c.slept[0]).toBe(7_000);
    expect(c.slept[1]).toBeGreaterThanOrEqual(50);
    expect(c.slept[2]).toBeGreaterThanOrEqual(100);
  });

  it('gives up after maxAttempts, and at once when Zendesk refuses', async () => {
    const down = failing(Array.from({ length: 5 }, () => new ZendeskError('unavailable', 'Zendesk answered 503', 503)));
    const gaveUp = await withRetries('create', down.run, { maxAttempts: 3, baseMs: 1, maxMs: 1 }, { clock: clock() }).catch((e) => e);
    expect(gaveUp).toBeInstanceOf(ZendeskGaveUp);
    expect(gaveUp).toMatchObject({ attempts: 3 });
    expect(gaveUp.message).toBe('create: Zendesk answered 503 (3 attempts)');
    const refused = failing([new ZendeskError('refused', 'Zendesk answered 422', 422)]);
    await expect(withRetries('upload', refused.run, { maxAttempts: 3, baseMs: 1, maxMs: 1 }, { clock: clock() })).rejects.toMatchObject({ attempts: 1 });
    expect(refused.calls()).toBe(1);
  });

  it('reads Retry-After in seconds or as a date, 60 s when absent', () => {
    expect(retryAfterMs('2')).toBe(2_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(null)).toBe(60_000);
  });
});
