import { describe, expect, it } from 'vitest';
import { throughReadModelOutage } from './read-model-outage';

describe('throughReadModelOutage', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it('waits out an outage and returns the answer once the read model is back', async () => {
    const { now, sleep } = clock();
    let calls = 0;
    const answer = await throughReadModelOutage(
      'write',
      async () => {
        calls++;
        if (calls < 8) throw new Error('connection refused');
        return 'stored';
      },
      { now, sleep },
    );
    expect(answer).toBe('stored');
    expect(calls).toBe(8);
    // Back-off between tries, not a busy loop.
    expect(now()).toBeGreaterThan(1_000);
  });

  it('gives the error to the bus once the outage lasts longer than allowed', async () => {
    const { now, sleep } = clock();
    let calls = 0;
    const failing = throughReadModelOutage(
      'read',
      async () => {
        calls++;
        throw new Error('still down');
      },
      { now, sleep, maxOutageMs: 30_000 },
    );
    await expect(failing).rejects.toThrow('still down');
    expect(now()).toBeGreaterThanOrEqual(30_000);
    expect(calls).toBeGreaterThan(5);
  });
});
