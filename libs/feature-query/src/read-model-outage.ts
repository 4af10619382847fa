import { backoffMs } from '@support-desk/service-kit/backoff';

type Log = { warn(obj: object, msg: string): void };

export type OutageOptions = {
  log?: Log;
  /** How long to keep trying before the error goes to the bus (retries, then the DLQ). Default 5 min. */
  maxOutageMs?: number;
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

/**
 * A read-model call that waits out an outage of the read model instead of
 * failing the event. The bus gives a failing handler a few quick tries and then
 * dead-letters the message; an unreachable database (e.g. FerretDB while its
 * PostgreSQL restarts) is never the event's fault, and dead-lettering it would
 * leave the ticket out of search for good. So the projection keeps trying, with
 * back-off, for up to `maxOutageMs`; a fault that lasts longer (or is not an
 * outage at all) then takes the bus's usual path.
 */
export async function throughReadModelOutage<T>(what: string, call: () => Promise<T>, options: OutageOptions = {}): Promise<T> {
  const { log, maxOutageMs = 300_000, baseMs = 100, capMs = 5_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (let failures = 1; ; failures++) {
    try {
      return await call();
    } catch (error) {
      if (now() - started >= maxOutageMs) throw error;
      // First failure and then every 10th: an outage is visible without a line per retry.
      if (failures === 1 || failures % 10 === 0) log?.warn({ err: error, failures }, `read model ${what} failed; retrying until it answers`);
      await sleep(backoffMs(failures, baseMs, capMs));
    }
  }
}
