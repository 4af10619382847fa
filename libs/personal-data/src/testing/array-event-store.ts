import { randomUUID } from 'node:crypto';
import { checkExpectedRevision, type EventStore, type NewEvent, type RecordedEvent } from '@support-desk/event-store';

/**
 * A minimal in-memory EventStore for unit tests of decorators: appends, reads,
 * and a subscription that replays what is stored (no live follow).
 */
export class ArrayEventStore implements EventStore {
  readonly events: RecordedEvent[] = [];

  async append(streamId: string, events: NewEvent[], options: { expectedRevision: import('@support-desk/event-store').ExpectedRevision }) {
    const current = this.events.filter((e) => e.streamId === streamId).length - 1;
    checkExpectedRevision(streamId, options.expectedRevision, current < 0 ? 'no_stream' : current);
    let revision = current;
    for (const e of events) {
      revision++;
      // A JSON round trip: what a real adapter stores is JSON text, not the caller's objects.
      const stored = JSON.parse(JSON.stringify({ data: e.data, metadata: e.metadata ?? {} })) as Pick<RecordedEvent, 'data' | 'metadata'>;
      this.events.push({ id: e.id ?? randomUUID(), streamId, type: e.type, ...stored, revision, position: String(this.events.length), recordedAt: 0 });
    }
    return { nextExpectedRevision: revision, position: String(this.events.length - 1) };
  }

  async readStream(streamId: string) {
    return this.events.filter((e) => e.streamId === streamId);
  }

  subscribeToAll(_options: unknown, handler: (event: RecordedEvent) => Promise<void>) {
    const done = (async () => {
      for (const e of [...this.events]) await handler(e);
    })();
    return { stop: () => done };
  }

  async close() {}
}
