import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '@support-desk/service-kit/backoff';

/**
 * Waits before retry number `retry` (0 for the first) of a loop that must not
 * spin on a failure; see backoffMs for the formula. An abort ends the wait early.
 */
export async function waitBackoff(retry: number, signal?: AbortSignal, baseMs = 100, capMs = 5_000): Promise<void> {
  try {
    await sleep(backoffMs(retry + 1, baseMs, capMs), undefined, { signal });
  } catch {
    // aborted: the caller checks its own stop flag
  }
}
