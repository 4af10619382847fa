/**
 * A wake-up signal that is never lost: a waiter passes the generation it saw
 * before it last read, and returns at once if a signal came in meanwhile (an
 * append notified while the subscription was busy reading or handling).
 */
export class Wakeup {
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  signal(): void {
    this.generation++;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on a signal after `seen`, after `timeoutMs`, or when aborted. */
  wait(seen: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (this.generation !== seen || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }
}
