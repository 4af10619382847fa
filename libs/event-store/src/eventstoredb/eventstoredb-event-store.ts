import { EventStoreDBClient, jsonEvent, StreamNotFoundError, WrongExpectedVersionError, type AppendResult as EsdbAppendResult } from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store.port';
import { SubscriptionRegistry } from '../subscription-registry';
import { encodePosition, fromEsdbCurrentRevision, toEsdbExpectedRevision, toRecordedEvent } from './eventstoredb-mapping';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

export type EventStoreDbEventStoreOptions = {
  /** Called when a subscription lost its connection; it resubscribes on its own after a back-off. */
  onSubscriptionError?: (error: unknown) => void;
};

/** The production event store: EventStoreDB over gRPC. */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new SubscriptionRegistry();

  constructor(
    readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {}

  /** e.g. `esdb://127.0.0.1:2113?tls=false`. */
  static connect(connectionString: string, options?: EventStoreDbEventStoreOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  async append(streamId: string, events: NewEvent[], { expectedRevision }: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const data = events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} }));
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(streamId, data, { expectedRevision: toEsdbExpectedRevision(expectedRevision) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(streamId, expectedRevision, fromEsdbCurrentRevision(error.actualVersion));
      }
      throw error;
    }
    return { nextExpectedRevision: Number(result.nextExpectedRevision), position: await this.lastPosition(streamId, events.length, result) };
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId)) if (resolved.event) out.push(toRecordedEvent(resolved.event));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): EventSubscription {
    const subscription = new EventStoreDbSubscription(this.client, options, handler, this.options.onSubscriptionError);
    return this.subscriptions.track(subscription);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    await this.client.dispose();
  }

  /**
   * The $all position of the LAST event appended, as a subscription would report
   * it, so "resume after this position" skips exactly what was appended. For a
   * multi-event append the position in the append result belongs to the write as
   * a whole (its first prepare), not to the last event, so read that event back.
   */
  private async lastPosition(streamId: string, count: number, result: EsdbAppendResult): Promise<string> {
    if (count > 1) {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: result.nextExpectedRevision, maxCount: 1 })) {
        if (resolved.event?.position) return encodePosition(resolved.event.position);
      }
    }
    if (result.position) return encodePosition(result.position);
    throw new Error(`EventStoreDB returned no position for the append to ${streamId} (server older than 22.6?)`);
  }
}
