/**
 * The one back-off formula, for Zendesk calls and for the event-store, relay and
 * bus retry loops: exponential with jitter, capped. After the nth failure in a
 * row (n ≥ 1) wait somewhere in [ceiling/2, ceiling], ceiling = base·2^(n-1),
 * at most `capMs`. Half of the wait is fixed so a retry never fires at once;
 * the random half keeps many workers that failed together from retrying together.
 *
 * (There were two: this one, and one in the event store with ceiling base·2^n
 * counted from 0 and no injectable randomness. This one is kept because its
 * unit tests pin it and `random` makes it testable; the event store's wrapper
 * passes its 0-based retry count + 1, so its waits are what they were.)
 */
export function backoffMs(failures: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
