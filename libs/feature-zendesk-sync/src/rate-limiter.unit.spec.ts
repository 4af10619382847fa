import { describe, expect, it } from 'vitest';
import type { Clock } from './clock';
import { RateLimiter } from './rate-limiter';

/** A clock that only moves when someone sleeps: the limiter's waits are exact and instant. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('lets `perMinute` requests through at once, then waits for the oldest to leave the minute', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(3, clock);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
  });

  it('holds everyone back for a 429 Retry-After', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(400, clock);
    await limiter.acquire();
    limiter.pause(5_000);
    await limiter.acquire();
    expect(clock.now()).toBe(5_000);
  });

  it('serves waiters in arrival order and stops waiting when aborted', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(1, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    const abort = new AbortController();
    abort.abort(new Error('stopping'));
    await expect(limiter.acquire(abort.signal)).rejects.toThrow('stopping');
  });
});
