import { excludeSystemEvents, START, streamNameFilter, type AllStreamSubscription, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import type { RecordedEvent, SubscribeOptions } from '../event-store.port';
import { waitBackoff } from '../retry-backoff';
import { decodePosition, toRecordedEvent } from './eventstoredb-mapping';

/**
 * A catch-up subscription to $all that behaves like the SQLite one: events one at
 * a time, in order; a handler failure retries the same event after a back-off and
 * never skips it. If the server drops the subscription, it resubscribes after the
 * last handled event, so nothing is lost or handled twice across reconnects.
 */
export class EventStoreDbSubscription {
  private stopped = false;
  private readonly abort = new AbortController();
  private current: AllStreamSubscription | undefined;
  private loop: Promise<void> = Promise.resolve();
  private position: Position | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: SubscribeOptions,
    private readonly handler: (event: RecordedEvent) => Promise<void>,
    private readonly onConnectionError?: (error: unknown) => void,
  ) {
    this.position = options.fromPosition ? decodePosition(options.fromPosition) : undefined;
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.current) await close(this.current);
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.consume();
        failures = 0; // ended without error (server closed it): resubscribe right away
      } catch (error) {
        if (this.stopped) return;
        this.onConnectionError?.(error);
        await waitBackoff(failures++, this.abort.signal);
      }
    }
  }

  private async consume(): Promise<void> {
    const { streamPrefix } = this.options;
    // The prefix filter runs on the server: other streams never cross the wire.
    const filter = streamPrefix ? streamNameFilter({ prefixes: [streamPrefix] }) : excludeSystemEvents();
    // fromPosition is exclusive: the stream resumes strictly after the last handled event.
    const subscription = this.client.subscribeToAll({ fromPosition: this.position ?? START, filter });
    this.current = subscription;
    try {
      for await (const resolved of subscription) {
        const recorded = resolved.event;
        if (this.stopped) return;
        // Not ours to read (binary, or a system event): step over it.
        if (!recorded?.isJson || recorded.streamId.startsWith('$')) {
          if (recorded) this.position = recorded.position;
          continue;
        }
        const delivered = await this.deliver(toRecordedEvent(recorded));
        if (!delivered) return;
        this.position = recorded.position;
      }
    } finally {
      await close(subscription);
      if (this.current === subscription) this.current = undefined;
    }
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

/**
 * unsubscribe() cancels the gRPC call, but the client swallows the cancellation
 * error without ending the stream it piped into, so a `for await` over it could
 * wait forever; destroying the stream ends the loop.
 */
async function close(subscription: AllStreamSubscription): Promise<void> {
  await subscription.unsubscribe().catch(() => undefined);
  subscription.destroy();
}
