import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { DeadLetter } from '../event-bus.port';
import { decodeKafkaMessage, headerString } from './kafka-message-codec';

/** Headers a dead letter carries on top of the original message's headers. */
export const DLQ_HEADERS = {
  group: 'dlq-group',
  error: 'dlq-error',
  attempts: 'dlq-attempts',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
} as const;

export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;

export type DeadLetterInput = {
  group: string;
  message: KafkaMessage;
  partition: number;
  error: unknown;
  attempts: number;
};

/**
 * Writes the original bytes (key, value, headers) untouched, so the message can be
 * replayed as it was; the failure goes in extra headers. Resolves after the broker acked.
 */
export async function writeDeadLetter(producer: Producer, topic: string, input: DeadLetterInput): Promise<void> {
  const { message, group, partition, error, attempts } = input;
  const headers: IHeaders = {
    ...message.headers,
    [DLQ_HEADERS.group]: group,
    [DLQ_HEADERS.error]: errorText(error),
    [DLQ_HEADERS.attempts]: String(attempts),
    [DLQ_HEADERS.sourcePartition]: String(partition),
    [DLQ_HEADERS.sourceOffset]: message.offset,
  };
  await producer.send({ topic: deadLetterTopicOf(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
}

export type ReadDeadLettersOptions = {
  /** Give up if the DLQ can't be read to its end within this time. */
  timeoutMs?: number;
};

/**
 * Reads the whole DLQ topic once and returns the dead letters of `group`.
 * kafkajs has no manual partition assignment, so this joins a throwaway consumer
 * group that reads from the beginning up to the high watermarks taken at the
 * start, then leaves and deletes that group. Meant for tests and operators, not
 * hot paths. Letters whose bytes could not be decoded are left out: they have
 * no BusMessage to show (readDeadLetterMessages returns them raw).
 */
export async function readDeadLetters(kafka: Kafka, topic: string, group: string, options: ReadDeadLettersOptions = {}): Promise<DeadLetter[]> {
  return (await readDeadLetterMessages(kafka, topic, options)).flatMap((m) => toDeadLetter(m, group));
}

/** Every message in the DLQ of `topic`, raw, in partition then offset order. */
export async function readDeadLetterMessages(kafka: Kafka, topic: string, options: ReadDeadLettersOptions = {}): Promise<KafkaMessage[]> {
  const dlqTopic = deadLetterTopicOf(topic);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(dlqTopic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    if (ends.size === 0) return [];
    const readerGroup = `${dlqTopic}.reader-${randomUUID()}`;
    try {
      return await readUpTo(kafka, dlqTopic, readerGroup, ends, options.timeoutMs ?? 30_000);
    } finally {
      await admin.deleteGroups([readerGroup]).catch(() => undefined); // best effort: it only holds offsets
    }
  } finally {
    await admin.disconnect();
  }
}

async function readUpTo(kafka: Kafka, topic: string, groupId: string, ends: Map<number, bigint>, timeoutMs: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
  const seen: { partition: number; message: KafkaMessage }[] = [];
  const remaining = new Set(ends.keys());
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`could not read ${topic} to its end within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            seen.push({ partition, message });
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset))).map((s) => s.message);
}

function toDeadLetter(message: KafkaMessage, group: string): DeadLetter[] {
  if (headerString(message.headers, DLQ_HEADERS.group) !== group) return [];
  try {
    return [
      {
        group,
        message: decodeKafkaMessage(message),
        error: headerString(message.headers, DLQ_HEADERS.error) ?? '',
        attempts: Number(headerString(message.headers, DLQ_HEADERS.attempts) ?? 0),
      },
    ];
  } catch {
    return [];
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
