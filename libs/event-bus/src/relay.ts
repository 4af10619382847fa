import { waitBackoff, type CheckpointStore, type EventStore, type EventSubscription, type RecordedEvent } from '@support-desk/event-store';
import { messageFor, type EventBus } from './event-bus.port';
import { publishedEvent } from './published-event';

export type RelayOptions = {
  store: EventStore;
  bus: EventBus;
  checkpoints: CheckpointStore;
  /** Checkpoint name: one per relay. */
  name?: string;
  streamPrefix: string;
  /** Most events published in one bus call. */
  maxBatch?: number;
  onError?: (error: unknown, event: RecordedEvent) => void;
};

/**
 * Publishes committed events to the bus, in store order, from a stored
 * checkpoint. The checkpoint moves only after the bus accepted a batch, so a
 * crash republishes at most the events in flight: at-least-once, never lost.
 *
 * Events read while a publish is in flight queue up and go out together in the
 * next call, so throughput follows the bus's batch latency, not its per-event
 * latency; the queue is bounded, which pauses reading from the store.
 */
export class Relay {
  private subscription: EventSubscription | undefined;
  private readonly queue: RecordedEvent[] = [];
  private flushing: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopping = false;
  private drainedWaiters: (() => void)[] = [];

  constructor(private readonly options: RelayOptions) {}

  get checkpointName(): string {
    return this.options.name ?? 'relay';
  }

  private get maxBatch(): number {
    return this.options.maxBatch ?? 500;
  }

  async start(): Promise<void> {
    const { store, checkpoints, streamPrefix, onError } = this.options;
    const fromPosition = await checkpoints.load(this.checkpointName);
    this.subscription = store.subscribeToAll({ fromPosition, streamPrefix, onError }, async (event) => {
      this.queue.push(event);
      this.startFlushing();
      // Back-pressure: stop reading the store while two batches are waiting.
      while (this.queue.length >= this.maxBatch * 2 && !this.stopping) await new Promise<void>((r) => this.drainedWaiters.push(r));
    });
  }

  /** Stops reading, then waits for what was read to be published and checkpointed (one try if the bus is down). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wakeReaders();
    await this.subscription?.stop();
    this.subscription = undefined;
    await this.flushing;
  }

  /**
   * One flush at a time. An event queued after the flush's last look at the queue
   * but before its promise settled would wait for the next append (for good, if
   * none comes): so a flush that ends with events queued starts the next.
   */
  private startFlushing(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0 && !this.stopping) this.startFlushing();
    });
  }

  private async flush(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      try {
        await this.options.bus.publish(batch.map((event) => messageFor(publishedEvent(event))));
        await this.options.checkpoints.store(this.checkpointName, batch[batch.length - 1]!.position);
        this.queue.splice(0, batch.length);
        attempt = 0;
        this.wakeReaders();
      } catch (error) {
        this.options.onError?.(error, batch[0]!);
        // Shutting down: leave the rest to the next start, which resumes from the checkpoint.
        if (this.stopping) return;
        await waitBackoff(attempt++, this.abort.signal);
      }
    }
  }

  private wakeReaders(): void {
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const wake of waiters) wake();
  }
}
