import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroSchemaPath } from '@support-desk/contracts';
import { ticketMessage } from '../testing';
import { decodeKafkaMessage, encodeBusMessage, KAFKA_HEADERS, type RawKafkaMessage } from './kafka-message-codec';

/**
 * A producer a release ahead writes TicketRequested v2 (with appVersion) while
 * this consumer still reads v1: it picks the writer schema by the
 * schema-version header and resolves it to its own (avsc createResolver).
 */
describe('Kafka consumer reading a newer schema version', () => {
  const v2 = avro.Type.forSchema(JSON.parse(readFileSync(avroSchemaPath('TicketRequested', 2), 'utf8')));

  function asConsumed(message: ReturnType<typeof encodeBusMessage>, value: Buffer, schemaVersion: string): RawKafkaMessage {
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
    headers[KAFKA_HEADERS.schemaVersion] = Buffer.from(schemaVersion);
    headers[KAFKA_HEADERS.schemaFingerprint] = Buffer.from(v2.fingerprint('sha256').toString('hex'));
    return { key: Buffer.from(String(message.key)), value, headers };
  }

  it('decodes a v2 TicketRequested into the v1 data it knows', () => {
    const sent = ticketMessage('ticket-1', 'TicketRequested');
    const v2Bytes = v2.toBuffer({ ...sent.event.data, appVersion: '5.12.0' });
    expect(decodeKafkaMessage(asConsumed(encodeBusMessage(sent), v2Bytes, '2'))).toEqual(sent);
  });

  it('goes by the header: v2 bytes announced as v1 are refused, not misread', () => {
    const sent = ticketMessage('ticket-1', 'TicketRequested');
    const v2Bytes = v2.toBuffer({ ...sent.event.data, appVersion: '5.12.0' });
    expect(() => decodeKafkaMessage(asConsumed(encodeBusMessage(sent), v2Bytes, '1'))).toThrow(/cannot decode TicketRequested v1/);
  });
});
