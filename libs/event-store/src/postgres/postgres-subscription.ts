import type { RecordedEvent, SubscribeOptions } from '../event-store.port';
import { backoffMs } from '@support-desk/service-kit/backoff';
import { waitBackoff } from '../retry-backoff';
import { comparePositions, decodePosition, START, type PgPosition } from './postgres-position';
import type { Wakeup } from './wakeup';

export type EventSource = {
  /** Committed events after `after`, in order, only from transactions older than every running one. */
  readAllAfter(after: PgPosition, limit: number, streamPrefix?: string): Promise<RecordedEvent[]>;
  /**
   * A prefix's events, how far the read looked and whether some are held back, in
   * one round trip (see PostgresEventStore.readPrefixAfter). Optional: without it
   * a prefix subscription reads with readAllAfter and hasHeldBackEvents.
   */
  readPrefixAfter?(after: PgPosition, limit: number, streamPrefix: string): Promise<PrefixRead>;
  /** True when committed events after `after` (of streams starting with `streamPrefix`) wait for an older transaction to end. */
  hasHeldBackEvents(after: PgPosition, streamPrefix?: string): Promise<boolean>;
};

export type PrefixRead = { events: RecordedEvent[]; scannedTo?: PgPosition; heldBack: boolean };

export type SubscriptionTiming = { pollIntervalMs: number; heldBackPollMs: number };

const BATCH = 256;

/**
 * Catch-up then live, like the SQLite subscription: batches after the last handled
 * position; once caught up it sleeps until a NOTIFY (or a local append) wakes it,
 * or the slow safety-net poll. Events held back behind a still-running older
 * transaction are polled for sooner: that transaction may roll back, which
 * notifies no one. A lost connection is retried with back-off, from the last
 * handled event: nothing is skipped or handled twice.
 */
export class PostgresSubscription {
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  // Decoded here, so a foreign position (another adapter's) throws in subscribeToAll.
  private readonly from: PgPosition;

  constructor(
    private readonly source: EventSource,
    private readonly wakeup: Wakeup,
    private readonly options: SubscribeOptions,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
    private readonly timing: SubscriptionTiming,
    private readonly onConnectionError: (error: unknown) => void,
  ) {
    this.from = options.fromPosition ? decodePosition(options.fromPosition) : START;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let position = this.from;
    let heldBackWaits = 0;
    for (let failures = 0; !this.stopped; ) {
      const seen = this.wakeup.current(this.options.streamPrefix);
      let batch: RecordedEvent[];
      let scannedTo: PgPosition | undefined;
      let heldBack = false;
      try {
        const read = await this.read(position);
        ({ events: batch, scannedTo } = read);
        if (batch.length < BATCH) heldBack = read.heldBack ?? (await this.source.hasHeldBackEvents(position, this.options.streamPrefix));
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        this.onConnectionError(error);
        // Back off, but retry at once when the LISTEN connection is back (it signals).
        await this.wakeup.wait(this.wakeup.current(), backoffMs(++failures, 100, 5_000), this.abort.signal);
        continue;
      }
      for (const event of batch) {
        if (!(await this.deliver(event))) return;
        position = decodePosition(event.position);
      }
      if (batch.length === BATCH) continue;
      // Nothing of the prefix up to there, ever: the next read starts after it, not after the prefix's last event.
      if (scannedTo && comparePositions(scannedTo, position) > 0) position = scannedTo;
      // Held back: soon at first, then less often while an old transaction stays open,
      // i.e. while nothing gets through. Under load some other short transaction (an
      // append, a checkpoint, any write on the cluster) is nearly always running, so
      // most reads see something held back; counting those as one long wait grew the
      // delay to the full poll interval for an event whose blocker ended a ms later.
      heldBackWaits = !heldBack ? 0 : batch.length > 0 ? 1 : heldBackWaits + 1;
      const delay = heldBack
        ? Math.min(this.timing.pollIntervalMs, this.timing.heldBackPollMs * 2 ** Math.min(heldBackWaits - 1, 10))
        : this.timing.pollIntervalMs;
      await this.wakeup.wait(seen, delay, this.abort.signal, this.options.streamPrefix);
    }
  }

  /** `heldBack` undefined: not asked yet. */
  private async read(position: PgPosition): Promise<{ events: RecordedEvent[]; scannedTo?: PgPosition; heldBack?: boolean }> {
    const prefix = this.options.streamPrefix;
    if (prefix && this.source.readPrefixAfter) return this.source.readPrefixAfter(position, BATCH, prefix);
    return { events: await this.source.readAllAfter(position, BATCH, prefix) };
  }

  /** True once handled; false when stopped before the handler succeeded. */
  private async deliver(event: RecordedEvent): Promise<boolean> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.handler(event);
        return true;
      } catch (error) {
        this.options.onError?.(error, event);
        await waitBackoff(attempt, this.abort.signal);
      }
    }
    return false;
  }
}
