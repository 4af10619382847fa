import { describe, expect, it } from 'vitest';
import { retryThroughOutage } from './outage';

class Down extends Error {}

describe('retryThroughOutage', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it('waits out errors that are an outage, then answers', async () => {
    const { now, sleep } = clock();
    let calls = 0;
    const call = async () => {
      if (++calls < 4) throw new Down('connection refused');
      return 'done';
    };
    await expect(retryThroughOutage('store', call, { now, sleep, isOutage: (e) => e instanceof Down })).resolves.toBe('done');
    expect(calls).toBe(4);
  });

  it('throws any other error at once: it is the bus that retries and dead-letters those', async () => {
    const { now, sleep } = clock();
    let calls = 0;
    const call = async () => {
      calls++;
      throw new TypeError('a bug');
    };
    await expect(retryThroughOutage('store', call, { now, sleep, isOutage: (e) => e instanceof Down })).rejects.toThrow('a bug');
    expect(calls).toBe(1);
  });

  it('stops waiting when told to stop (shutdown) and throws the last error', async () => {
    const { now, sleep } = clock();
    const stopping = new AbortController();
    let calls = 0;
    const call = async () => {
      if (++calls === 3) stopping.abort();
      throw new Down('still down');
    };
    await expect(retryThroughOutage('store', call, { now, sleep, signal: stopping.signal })).rejects.toThrow('still down');
    expect(calls).toBe(3);
  });
});
