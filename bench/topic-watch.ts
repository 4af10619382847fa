import type { Consumer, KafkaMessage } from 'kafkajs';
import { decodeKafkaMessage } from '@support-desk/event-bus/kafka';
import type { RecordedEvent } from '@support-desk/event-store';

/**
 * Follows a stack run's topic from now on, as another team's consumer would (a group of its
 * own, every partition at once): `onEvent` gets each event with its Kafka message and the
 * time this process received it.
 */
export async function watchTopic(
  consumer: Consumer,
  topic: string,
  onEvent: (event: RecordedEvent, message: KafkaMessage, receivedAt: number) => void,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    partitionsConsumedConcurrently: 16,
    eachMessage: async ({ message }) => {
      const receivedAt = Date.now();
      onEvent(decodeKafkaMessage(message).event, message, receivedAt);
    },
  });
}
