import { ANY, NO_STREAM, STREAM_EXISTS, type AppendExpectedRevision, type CurrentRevision, type Position } from '@eventstore/db-client';
import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type { ExpectedRevision, JsonObject, RecordedEvent } from '../event-store.port';

/** Our ExpectedRevision to the client's: 'any' | 'no_stream' | 'stream_exists' keep their meaning, numbers become bigint. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

export function fromEsdbCurrentRevision(actual: CurrentRevision): number | 'no_stream' {
  return actual === NO_STREAM ? 'no_stream' : Number(actual);
}

/**
 * A $all position as our opaque checkpoint string, "<commit>/<prepare>". Both
 * parts are kept: EventStoreDB needs the pair to resume exactly after an event.
 */
export function encodePosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function decodePosition(value: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) throw new Error(`Not an EventStoreDB position: ${JSON.stringify(value)} (expected "<commit>/<prepare>")`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/** JSON events only: we never write binary ones, so one that shows up is not ours to read. */
export function toRecordedEvent(event: EsdbRecordedEvent, fallbackPosition?: Position): RecordedEvent {
  if (!event.isJson) throw new Error(`Event ${event.id} in ${event.streamId} is not JSON`);
  const position = event.position ?? fallbackPosition;
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: asJsonObject(event.data),
    metadata: asJsonObject(event.metadata),
    revision: Number(event.revision),
    position: position ? encodePosition(position) : '',
    recordedAt: event.created.getTime(),
  };
}

function asJsonObject(value: unknown): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}
