import { backoffMs } from './backoff';

type Log = { warn(obj: object, msg: string): void };

export type OutageOptions = {
  log?: Log;
  /** How long to keep trying before the error goes to the caller (e.g. the bus: retries, then the DLQ). Default 5 min. */
  maxOutageMs?: number;
  /** Which errors are an outage worth waiting out; the rest are thrown at once. Default: every error. */
  isOutage?: (error: unknown) => boolean;
  /** Stops waiting (shutdown): the last error is thrown. */
  signal?: AbortSignal;
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

/**
 * Calls `call` until it answers, waiting out an outage of the back-end behind it
 * instead of failing the event being handled. A bus gives a failing handler a few
 * quick tries and then dead-letters the message; an unreachable database is never
 * the event's fault, and dead-lettering would leave it unhandled for good. So the
 * handler keeps trying with back-off for up to `maxOutageMs`; a fault that lasts
 * longer (or is not an outage) then takes the caller's usual path.
 */
export async function retryThroughOutage<T>(what: string, call: () => Promise<T>, options: OutageOptions = {}): Promise<T> {
  const { log, maxOutageMs = 300_000, baseMs = 100, capMs = 5_000, isOutage = () => true, signal } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (error) {
      if (!isOutage(error) || signal?.aborted || now() - started >= maxOutageMs) throw error;
      // First failure and then every 10th: an outage is visible without a line per retry.
      if (failures === 1 || failures % 10 === 0) log?.warn({ err: error, failures }, `${what} failed; retrying until it answers`);
      await sleep(backoffMs(failures, baseMs, capMs));
    }
  }
}
