type Waiter = { prefix: string | undefined; wake: () => void };

/**
 * A wake-up signal that is never lost: a waiter passes the generation it saw
 * before it last read, and returns at once if a signal came in meanwhile (an
 * append notified while the subscription was busy reading or handling).
 *
 * A signal names the stream appended to when it is known (the NOTIFY payload, a
 * local append). A waiter for a stream prefix counts and wakes only for appends
 * to its streams, and for signals that name none (a reconnect, an older writer's
 * empty payload): an erasure subscription is not woken by every ticket event.
 */
export class Wakeup {
  private generation = 0;
  /** Generation per prefix a waiter asked about; a handful (one per kind of subscription). */
  private readonly byPrefix = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();

  /** The generation of signals that concern `prefix` (all of them without one). */
  current(prefix?: string): number {
    if (prefix === undefined) return this.generation;
    const seen = this.byPrefix.get(prefix);
    if (seen !== undefined) return seen;
    this.byPrefix.set(prefix, 0);
    return 0;
  }

  signal(streamId?: string): void {
    this.generation++;
    for (const [prefix, generation] of this.byPrefix) if (concerns(prefix, streamId)) this.byPrefix.set(prefix, generation + 1);
    for (const waiter of [...this.waiters]) if (waiter.prefix === undefined || concerns(waiter.prefix, streamId)) waiter.wake();
  }

  /** Resolves on a signal for `prefix` after `seen`, after `timeoutMs`, or when aborted. */
  wait(seen: number, timeoutMs: number, abort: AbortSignal, prefix?: string): Promise<void> {
    if (this.current(prefix) !== seen || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { prefix, wake: () => done() };
      const done = () => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done);
      this.waiters.add(waiter);
    });
  }
}

function concerns(prefix: string, streamId: string | undefined): boolean {
  return streamId === undefined || streamId === '' || streamId.startsWith(prefix);
}
