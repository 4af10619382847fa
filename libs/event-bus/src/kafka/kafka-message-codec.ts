import avro from 'avsc';
import type { IHeaders, Message } from 'kafkajs';
import { AVRO_SCHEMA_VERSION, eventCodec, isPublishedEventType, loadAvroSchema, type PublishedEvent, type PublishedEventType } from '@support-desk/contracts';
import type { JsonObject, RecordedEvent } from '@support-desk/event-store';
import type { BusMessage } from '../event-bus.port';

/**
 * The Kafka wire format, published for other teams: the value is the Avro
 * encoding of `event.data` with the `.avsc` of the event type; everything else
 * travels in headers, so a reader needs only the `.avsc` files and these names.
 */
export const KAFKA_HEADERS = {
  eventType: 'event-type',
  eventId: 'event-id',
  streamId: 'stream-id',
  revision: 'revision',
  position: 'position',
  recordedAt: 'recorded-at',
  schemaVersion: 'schema-version',
  schemaFingerprint: 'schema-fingerprint',
  correlationId: 'correlation-id',
  metadata: 'metadata',
  /** W3C trace context of the hop that published it: any OpenTelemetry consumer continues the trace. */
  traceparent: 'traceparent',
} as const;

/** A message that is not ours to read: the consumer dead-letters it without calling the handler. */
export class MessageDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageDecodeError';
  }
}

/** The subset of a consumed Kafka message the decoder reads (kafkajs' KafkaMessage fits). */
export type RawKafkaMessage = { key: Buffer | null; value: Buffer | null; headers?: IHeaders };

export function encodeBusMessage(message: BusMessage): Message {
  const { event } = message;
  if (!isPublishedEventType(event.type)) throw new Error(`Event type ${event.type} has no Avro schema, so it cannot be published`);
  const codec = eventCodec(event.type);
  const headers: IHeaders = {
    [KAFKA_HEADERS.eventType]: event.type,
    [KAFKA_HEADERS.eventId]: event.id,
    [KAFKA_HEADERS.streamId]: event.streamId,
    [KAFKA_HEADERS.revision]: String(event.revision),
    [KAFKA_HEADERS.position]: event.position,
    [KAFKA_HEADERS.recordedAt]: String(event.recordedAt),
    [KAFKA_HEADERS.schemaVersion]: String(AVRO_SCHEMA_VERSION),
    [KAFKA_HEADERS.schemaFingerprint]: codec.fingerprint,
    [KAFKA_HEADERS.metadata]: JSON.stringify(event.metadata),
  };
  const correlationId = event.metadata.correlationId;
  if (typeof correlationId === 'string') headers[KAFKA_HEADERS.correlationId] = correlationId;
  const { traceparent } = event.metadata;
  if (typeof traceparent === 'string') headers[KAFKA_HEADERS.traceparent] = traceparent;
  return { key: message.key, value: codec.encode(event.data as PublishedEvent['data']), headers };
}

/** Reads a consumed message back into a BusMessage; throws MessageDecodeError when it can't. */
export function decodeKafkaMessage(raw: RawKafkaMessage): BusMessage {
  const header = (name: string) => headerString(raw.headers, name);
  const required = (name: string): string => {
    const value = header(name);
    if (value === undefined) throw new MessageDecodeError(`header ${name} is missing`);
    return value;
  };
  const type = required(KAFKA_HEADERS.eventType);
  if (!isPublishedEventType(type)) throw new MessageDecodeError(`unknown event type ${type}`);
  if (!raw.value) throw new MessageDecodeError('message has no value');
  const data = decodeData(type, Number(required(KAFKA_HEADERS.schemaVersion)), raw.value);
  const metadata = parseMetadata(header(KAFKA_HEADERS.metadata));
  const correlationId = header(KAFKA_HEADERS.correlationId);
  if (correlationId !== undefined && metadata.correlationId === undefined) metadata.correlationId = correlationId;
  const traceparent = header(KAFKA_HEADERS.traceparent);
  if (traceparent !== undefined && metadata.traceparent === undefined) metadata.traceparent = traceparent;
  const event: RecordedEvent = {
    id: required(KAFKA_HEADERS.eventId),
    streamId: required(KAFKA_HEADERS.streamId),
    type,
    data,
    metadata,
    revision: integer(required(KAFKA_HEADERS.revision), KAFKA_HEADERS.revision),
    position: required(KAFKA_HEADERS.position),
    recordedAt: integer(required(KAFKA_HEADERS.recordedAt), KAFKA_HEADERS.recordedAt),
  };
  const key = raw.key?.toString('utf8') ?? (typeof data.ticketId === 'string' ? data.ticketId : event.streamId);
  return { key, event };
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

// Readers keyed by "<type>/<writer version>": resolving an old writer schema is not free.
const resolvers = new Map<string, ReturnType<avro.Type['createResolver']>>();

/**
 * The writer's schema version comes from the headers. The current schema reads
 * its own data directly; an older version is resolved to the current reader
 * schema (avsc createResolver), which is how schema evolution stays readable.
 * The fingerprint header is for outside readers that cache schemas by hash.
 */
function decodeData(type: PublishedEventType, version: number, value: Buffer): JsonObject {
  const codec = eventCodec(type);
  try {
    if (version === AVRO_SCHEMA_VERSION) return toPlain(codec.decode(value)) as JsonObject;
    const id = `${type}/${version}`;
    let resolver = resolvers.get(id);
    if (!resolver) {
      resolver = codec.type.createResolver(writerType(type, version));
      resolvers.set(id, resolver);
    }
    return toPlain(codec.type.fromBuffer(value, resolver)) as JsonObject;
  } catch (error) {
    throw new MessageDecodeError(`cannot decode ${type} v${version}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function writerType(type: PublishedEventType, version: number): avro.Type {
  if (!Number.isInteger(version) || version < 1) throw new Error(`bad schema version ${version}`);
  return avro.Type.forSchema(loadAvroSchema(type, version));
}

/** avsc decodes records into class instances; handlers and tests expect plain data. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
}

function parseMetadata(raw: string | undefined): JsonObject {
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // reported below
  }
  throw new MessageDecodeError('header metadata is not a JSON object');
}

function integer(raw: string, name: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new MessageDecodeError(`header ${name} is not an integer: ${raw}`);
  return n;
}
