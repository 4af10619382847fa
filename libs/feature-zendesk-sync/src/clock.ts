import { setTimeout as sleep } from 'node:timers/promises';

/** Time as a dependency, so limits and back-offs can be tested without waiting. */
export type Clock = {
  now(): number;
  /** Rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleep(Math.max(0, ms), undefined, { signal });
  },
};
