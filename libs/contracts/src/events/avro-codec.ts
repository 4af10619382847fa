import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { TICKET_EVENT_TYPES, type TicketEvent, type TicketEventType } from './ticket-events';

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

export type EventCodec = {
  type: avro.Type;
  fingerprint: string;
  encode(data: TicketEvent['data']): Buffer;
  decode(buffer: Buffer): TicketEvent['data'];
};

export function avroSchemaPath(eventType: TicketEventType, version = AVRO_SCHEMA_VERSION): URL {
  return new URL(`./avro/${eventType}.v${version}.avsc`, import.meta.url);
}

export function loadAvroSchema(eventType: TicketEventType, version = AVRO_SCHEMA_VERSION): avro.Schema {
  return JSON.parse(readFileSync(avroSchemaPath(eventType, version), 'utf8')) as avro.Schema;
}

let codecs: Map<TicketEventType, EventCodec> | undefined;

export function eventCodec(eventType: TicketEventType): EventCodec {
  codecs ??= new Map(TICKET_EVENT_TYPES.map((t) => [t, buildCodec(t)]));
  const codec = codecs.get(eventType);
  if (!codec) throw new Error(`No Avro schema for event type ${eventType}`);
  return codec;
}

function buildCodec(eventType: TicketEventType): EventCodec {
  // Timestamps stay plain numbers (ms) in our events, so no logical-type hooks.
  const type = avro.Type.forSchema(loadAvroSchema(eventType));
  return {
    type,
    fingerprint: type.fingerprint('sha256').toString('hex'),
    encode: (data) => type.toBuffer(data),
    decode: (buffer) => type.fromBuffer(buffer) as TicketEvent['data'],
  };
}
