import { setTimeout as sleep } from 'node:timers/promises';

/** Exponential back-off with full jitter, capped; used where a loop must not spin on a failure. */
export function backoffDelay(attempt: number, baseMs = 100, capMs = 5_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

export async function waitBackoff(attempt: number, signal?: AbortSignal, baseMs?: number, capMs?: number): Promise<void> {
  try {
    await sleep(backoffDelay(attempt, baseMs, capMs), undefined, { signal });
  } catch {
    // aborted: the caller checks its own stop flag
  }
}
