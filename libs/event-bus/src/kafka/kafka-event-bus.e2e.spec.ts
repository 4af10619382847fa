import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { describeWithRealServer, findKafka, runId } from '@support-desk/service-kit/testing';
import type { BusMessage } from '../event-bus.port';
import { eventBusContract, ticketMessage } from '../testing';
import { DLQ_HEADERS, readDeadLetterMessages } from './kafka-dead-letters';
import { KafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus';
import { headerString, KAFKA_HEADERS } from './kafka-message-codec';

const run = runId();
let testNo = 0;

describeWithRealServer('KafkaEventBus', await findKafka(), (endpoint) => {
  // A topic per test: new groups read from the earliest offset, so a shared topic would
  // hand each test the messages of the tests before it.
  const startBus = (): Promise<KafkaEventBus> =>
    KafkaEventBus.start({
      brokers: endpoint().brokers,
      clientId: `e2e-${run}`,
      topic: `support-desk.ticket-events.e2e-${run}-${++testNo}`,
      retryBaseMs: 20,
      // kafkajs logs expected rebalances at ERROR level; the assertions tell what went wrong.
      logLevel: logLevel.NOTHING,
      // Short group timings so joins, rebalances and leaves take well under a second.
      consumer: { sessionTimeout: 6_000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 200, joinTimeoutMs: 30_000 },
    } satisfies KafkaEventBusOptions);

  eventBusContract('kafka', async () => {
    const bus = await startBus();
    return { bus, deadLetters: (group) => bus.deadLetters(group), cleanup: () => dropTopicsAndGroups(bus) };
  });

  describe('Kafka specifics', () => {
    it('dead-letters a message it cannot decode, without calling the handler, and goes on', async () => {
      const bus = await startBus();
      const kafka = new Kafka({ brokers: endpoint().brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      try {
        await producer.connect();
        // Right headers, wrong bytes: what a buggy foreign producer might write.
        await producer.send({
          topic: bus.topic,
          acks: -1,
          messages: [
            { key: 'bad', value: Buffer.from('not avro'), headers: { [KAFKA_HEADERS.eventType]: 'TicketSynced', [KAFKA_HEADERS.schemaVersion]: '1' } },
          ],
        });
        const good = ticketMessage('bad', 'TicketSynced');
        await bus.publish([good]);
        const seen: BusMessage[] = [];
        await bus.subscribe(`decode-${run}`, async (m) => void seen.push(m));
        await expect.poll(() => seen.length, { timeout: 30_000, interval: 10 }).toBeGreaterThanOrEqual(1);
        expect(seen.map((m) => m.event.id)).toEqual([good.event.id]);
        const letters = await readDeadLetterMessages(kafka, bus.topic);
        expect(letters).toHaveLength(1);
        expect(headerString(letters[0]!.headers, DLQ_HEADERS.group)).toBe(`decode-${run}`);
        expect(headerString(letters[0]!.headers, DLQ_HEADERS.attempts)).toBe('0');
        expect(letters[0]!.value?.toString()).toBe('not avro');
      } finally {
        await producer.disconnect();
        await bus.close();
        await dropTopicsAndGroups(bus);
      }
    });
  });
});

/** Best effort and quick: a topic already gone must not hold the next test for a minute of retries. */
async function dropTopicsAndGroups(bus: KafkaEventBus): Promise<void> {
  const admin = await bus.admin({ retry: { retries: 2, maxRetryTime: 1_000 } });
  try {
    await admin.deleteGroups(bus.groups).catch(() => undefined);
    for (const topic of [bus.topic, bus.deadLetterTopic]) await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
