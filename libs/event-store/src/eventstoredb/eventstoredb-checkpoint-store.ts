import { BACKWARDS, END, jsonEvent, StreamNotFoundError, type EventStoreDBClient } from '@eventstore/db-client';
import type { CheckpointStore } from '../event-store.port';

const CHECKPOINT_EVENT = 'CheckpointStored';

/**
 * Checkpoints as streams `checkpoint-<name>`, one event per store, trimmed to the
 * last event by `$maxCount: 1`. Not a `$`-system stream on purpose: writing those
 * needs admin rights, which an application user should not have. Subscriptions
 * with a stream prefix (the relay's) never see these streams.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly trimmed = new Set<string>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly streamPrefix = 'checkpoint-',
  ) {}

  async load(name: string): Promise<string | undefined> {
    try {
      const last = this.client.readStream(this.streamOf(name), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      for await (const resolved of last) {
        const data = resolved.event?.isJson ? (resolved.event.data as { position?: unknown }) : undefined;
        if (typeof data?.position === 'string') return data.position;
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  async store(name: string, position: string): Promise<void> {
    const stream = this.streamOf(name);
    await this.client.appendToStream(stream, jsonEvent({ type: CHECKPOINT_EVENT, data: { position } }));
    // Once per stream and process: older checkpoints are garbage, let the server drop them.
    if (!this.trimmed.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: 1 });
      this.trimmed.add(stream);
    }
  }

  private streamOf(name: string): string {
    return `${this.streamPrefix}${name}`;
  }
}
