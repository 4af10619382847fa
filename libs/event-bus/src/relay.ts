import type { CheckpointStore, EventStore, EventSubscription, RecordedEvent } from '@support-desk/event-store';
import { messageFor, type EventBus } from './event-bus.port';

export type RelayOptions = {
  store: EventStore;
  bus: EventBus;
  checkpoints: CheckpointStore;
  /** Checkpoint name: one per relay. */
  name?: string;
  streamPrefix: string;
  onError?: (error: unknown, event: RecordedEvent) => void;
};

/**
 * Publishes committed events to the bus, in store order, from a stored
 * checkpoint. The checkpoint moves only after the bus accepted the event, so a
 * crash republishes at most the events in flight: at-least-once, never lost.
 */
export class Relay {
  private subscription: EventSubscription | undefined;

  constructor(private readonly options: RelayOptions) {}

  get checkpointName(): string {
    return this.options.name ?? 'relay';
  }

  async start(): Promise<void> {
    const { store, bus, checkpoints, streamPrefix, onError } = this.options;
    const fromPosition = await checkpoints.load(this.checkpointName);
    this.subscription = store.subscribeToAll({ fromPosition, streamPrefix, onError }, async (event) => {
      await bus.publish([messageFor(event)]);
      await checkpoints.store(this.checkpointName, event.position);
    });
  }

  /** Waits for the event in flight to be published and checkpointed. */
  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
