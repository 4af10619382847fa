import { describe, expect, it } from 'vitest';
import { erasureStreamId, eventCodec } from '@support-desk/contracts';
import type { RecordedEvent } from '@support-desk/event-store';
import { messageFor } from '../event-bus.port';
import { decodeKafkaMessage, encodeBusMessage, type RawKafkaMessage } from './kafka-message-codec';

const uuid = '79af4bc5-a995-4262-92ee-0da381ccaf07';

/** UserErased goes to Kafka like a ticket event (issue 15): other teams erase their copies of that uuid. */
describe('erasure events on Kafka', () => {
  it('UserErased is published keyed by its stream (one user, in order) and read back as sent', () => {
    const event: RecordedEvent = {
      id: 'e1',
      streamId: erasureStreamId(uuid),
      type: 'UserErased',
      data: { erasureId: 'x1', uuid, erasedAt: 1_700_000_000_000 },
      metadata: {},
      revision: 4,
      position: '99',
      recordedAt: 1_700_000_000_001,
    };
    const message = encodeBusMessage(messageFor(event));
    expect(String(message.key)).toBe(erasureStreamId(uuid));
    expect({ ...eventCodec('UserErased').type.fromBuffer(message.value as Buffer) }).toEqual(event.data);
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]));
    const raw: RawKafkaMessage = { key: Buffer.from(String(message.key)), value: message.value as Buffer, headers };
    expect(decodeKafkaMessage(raw).event).toEqual(event);
  });
});
