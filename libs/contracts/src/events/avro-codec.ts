import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { ERASURE_EVENT_TYPES, isErasureEventType, type ErasureEvent, type ErasureEventType } from './erasure-events';
import { TICKET_EVENT_TYPES, isTicketEventType, type TicketEvent, type TicketEventType } from './ticket-events';

/**
 * Avro codecs built from the .avsc files, which are the contract other teams read.
 * Loaded once per process; `schemaVersion` travels in the Kafka headers so a reader
 * can pick the writer schema and resolve it to its own (avsc createResolver).
 */
/**
 * The version we write, of every event type. TicketRequested.v2.avsc (adds an
 * optional appVersion) is on file and proved readable both ways
 * (avro-evolution.unit.spec.ts) but not written yet: nothing fills appVersion,
 * and every consumer would only see an extra null. Readers, ours and other
 * teams', resolve whatever version the header names, so switching is safe.
 */
export const AVRO_SCHEMA_VERSION = 1;

/** Every event type that leaves the store on the bus: ticket events and the erasure events (UserErased tells other teams to erase). */
export type PublishedEvent = TicketEvent | ErasureEvent;
export type PublishedEventType = TicketEventType | ErasureEventType;
export const PUBLISHED_EVENT_TYPES: readonly PublishedEventType[] = [...TICKET_EVENT_TYPES, ...ERASURE_EVENT_TYPES];

export function isPublishedEventType(type: string): type is PublishedEventType {
  return isTicketEventType(type) || isErasureEventType(type);
}

export type EventCodec = {
  type: avro.Type;
  fingerprint: string;
  encode(data: PublishedEvent['data']): Buffer;
  decode(buffer: Buffer): PublishedEvent['data'];
};

export function avroSchemaPath(eventType: PublishedEventType, version = AVRO_SCHEMA_VERSION): URL {
  return new URL(`./avro/${eventType}.v${version}.avsc`, import.meta.url);
}

export function loadAvroSchema(eventType: PublishedEventType, version = AVRO_SCHEMA_VERSION): avro.Schema {
  return JSON.parse(readFileSync(avroSchemaPath(eventType, version), 'utf8')) as avro.Schema;
}

let codecs: Map<PublishedEventType, EventCodec> | undefined;

export function eventCodec(eventType: PublishedEventType): EventCodec {
  codecs ??= new Map(PUBLISHED_EVENT_TYPES.map((t) => [t, buildCodec(t)]));
  const codec = codecs.get(eventType);
  if (!codec) throw new Error(`No Avro schema for event type ${eventType}`);
  return codec;
}

function buildCodec(eventType: PublishedEventType): EventCodec {
  // Timestamps stay plain numbers (ms) in our events, so no logical-type hooks.
  const type = avro.Type.forSchema(loadAvroSchema(eventType));
  return {
    type,
    fingerprint: type.fingerprint('sha256').toString('hex'),
    encode: (data) => type.toBuffer(data),
    decode: (buffer) => type.fromBuffer(buffer) as PublishedEvent['data'],
  };
}
