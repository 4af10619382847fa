import { describe, expect, it } from 'vitest';
import { eventCodec } from '@support-desk/contracts';
import { ticketMessage } from '../testing';
import { decodeKafkaMessage, encodeBusMessage, headerString, KAFKA_HEADERS, MessageDecodeError, type RawKafkaMessage } from './kafka-message-codec';

/** What a consumer gets back: key and header values as Buffers. */
function asConsumed(message: ReturnType<typeof encodeBusMessage>): RawKafkaMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
  return { key: Buffer.from(String(message.key)), value: message.value as Buffer, headers };
}

describe('Kafka message codec', () => {
  it('round-trips every event type through Avro and headers', () => {
    for (const type of ['TicketRequested', 'SupportFileUploaded', 'TicketSynced', 'TicketSyncFailed']) {
      const sent = ticketMessage('ticket-1', type);
      const got = decodeKafkaMessage(asConsumed(encodeBusMessage(sent)));
      expect(got).toEqual(sent);
    }
  });

  it('publishes the headers other teams read', () => {
    const sent = ticketMessage('ticket-1', 'TicketSynced');
    const raw = asConsumed(encodeBusMessage(sent));
    expect(headerString(raw.headers, KAFKA_HEADERS.eventType)).toBe('TicketSynced');
    expect(headerString(raw.headers, KAFKA_HEADERS.schemaVersion)).toBe('1');
    expect(headerString(raw.headers, KAFKA_HEADERS.schemaFingerprint)).toBe(eventCodec('TicketSynced').fingerprint);
    expect(headerString(raw.headers, KAFKA_HEADERS.correlationId)).toBe(sent.event.metadata.correlationId);
    // The value is plain Avro of the .avsc: readable without our code.
    expect(eventCodec('TicketSynced').type.fromBuffer(raw.value!)).toMatchObject(sent.event.data);
  });

  it('refuses to publish an event type that has no schema', () => {
    expect(() => encodeBusMessage(ticketMessage('t', 'SomethingElse'))).toThrow(/no Avro schema/);
  });

  it('reports what it cannot decode as a MessageDecodeError', () => {
    const good = asConsumed(encodeBusMessage(ticketMessage('t', 'TicketSynced')));
    const broken: RawKafkaMessage[] = [
      { ...good, value: Buffer.from('not avro') },
      { ...good, headers: { ...good.headers, [KAFKA_HEADERS.eventType]: Buffer.from('Unknown') } },
      { ...good, headers: { ...good.headers, [KAFKA_HEADERS.eventId]: undefined } },
      { ...good, headers: { ...good.headers, [KAFKA_HEADERS.schemaVersion]: Buffer.from('99') } },
      { ...good, headers: { ...good.headers, [KAFKA_HEADERS.revision]: Buffer.from('x') } },
    ];
    for (const raw of broken) expect(() => decodeKafkaMessage(raw)).toThrow(MessageDecodeError);
  });
});
