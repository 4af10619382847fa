/**
 * The event store is the system of record. Streams are append-only, guarded by an
 * expected revision (optimistic concurrency); every event also has a global
 * position, an opaque string that only the adapter that issued it understands.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type JsonObject = { [key: string]: unknown };

export type NewEvent = {
  /** Optional: the adapter generates one when absent. Doubles as the Kafka message's event id. */
  id?: string;
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
};

export type RecordedEvent = {
  id: string;
  streamId: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Opaque, ordered position in the whole store (a checkpoint). */
  position: string;
  recordedAt: number;
};

export type AppendResult = {
  /** Revision of the last event written: pass it as expectedRevision for the next append. */
  nextExpectedRevision: number;
  position: string;
};

export type SubscribeOptions = {
  /** Resume strictly after this position; from the start when absent. */
  fromPosition?: string;
  /** Only streams whose id starts with this prefix. */
  streamPrefix?: string;
  /** Called when the handler throws; the same event is retried after a back-off. */
  onError?: (error: unknown, event: RecordedEvent) => void;
};

export type EventSubscription = {
  stop(): Promise<void>;
};

export interface EventStore {
  append(streamId: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** All events of a stream in order; [] when the stream does not exist. */
  readStream(streamId: string): Promise<RecordedEvent[]>;
  /** Catch up from a position, then follow new events live, one at a time, in order. */
  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): EventSubscription;
  close(): Promise<void>;
}

/** Named positions, e.g. the relay's "published up to here". */
export interface CheckpointStore {
  load(name: string): Promise<string | undefined>;
  store(name: string, position: string): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'EVENT_STORE.WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number | 'no_stream'): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === 'no_stream') ||
    (expected === 'stream_exists' && current !== 'no_stream') ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current);
}

/**
 * The store could not be reached in time: connection refused or timed out, the
 * server shutting down, a statement timeout. Retry after `retryAfterSeconds`
 * (HTTP: 503 + Retry-After). If the connection broke while an append was in
 * flight it may have been written: a retried command re-reads its stream first.
 */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EVENT_STORE.UNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}
