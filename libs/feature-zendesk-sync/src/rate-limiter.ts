import { systemClock, type Clock } from './clock';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` requests in any sliding minute, in arrival order. Zendesk's
 * limit is per account and shared with every other integration, so we stay under
 * our share; a 429 pauses everyone for its Retry-After.
 */
export class RateLimiter {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  private waiting = 0;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new Error('perMinute must be a positive integer');
  }

  /** Resolves when a request may go out now. */
  acquire(signal?: AbortSignal): Promise<void> {
    this.waiting++;
    const turn = this.queue.then(() => this.take(signal)).finally(() => this.waiting--);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Calls waiting for their turn (a metric: a long queue means our share of Zendesk's limit is too small). */
  get queueLength(): number {
    return this.waiting;
  }

  /** Zendesk said 429: nobody sends before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - WINDOW_MS) this.sent.shift();
      const windowWait = this.sent.length >= this.perMinute ? this.sent[0]! + WINDOW_MS - now : 0;
      const wait = Math.max(windowWait, this.pausedUntil - now);
      if (wait <= 0) {
        this.sent.push(now);
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }
}
