import { Kafka, Partitioners, logLevel as KafkaLogLevel, type Admin, type AdminConfig, type Producer, type RetryOptions } from 'kafkajs';
import {
  DEFAULT_MAX_ATTEMPTS,
  type BusMessage,
  type BusSubscription,
  type DeadLetter,
  type EventBus,
  type MessageHandler,
  type SubscribeOptions,
} from '../event-bus.port';
import { deadLetterTopicOf, readDeadLetters, writeDeadLetter } from './kafka-dead-letters';
import { KafkaGroupConsumer, type GroupConsumerTuning } from './kafka-group-consumer';
import { encodeBusMessage } from './kafka-message-codec';

export type KafkaEventBusOptions = {
  brokers: string[];
  clientId?: string;
  /** Ticket events topic (KAFKA_TOPIC); its dead letters go to `<topic>.dlq`. */
  topic: string;
  /** Used only when start() creates the topics. */
  partitions?: number;
  replicationFactor?: number;
  /** Idempotent producer: broker-side de-duplication of producer retries. */
  idempotent?: boolean;
  /** Back-off between handler attempts (see retry-backoff.ts). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Client retry for broker calls; the defaults ride out a broker restart of ~half a minute. */
  retry?: RetryOptions;
  consumer?: GroupConsumerTuning;
  logLevel?: KafkaLogLevel;
  onHandlerError?: (error: unknown, message: BusMessage, attempt: number) => void;
};

// Exponential from 300 ms, capped at 5 s per wait, 12 tries: about 45 s in all before a call
// fails, enough for a broker restart (checked by stopping a local broker for 20 s mid-stream).
// Bounded on purpose, also for the idempotent producer (kafkajs warns once that this may
// weaken exactly-once; we promise at-least-once): publish must fail so the relay can retry
// and close() can finish, instead of hanging on a broker that is gone.
const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 };

/**
 * The production bus: one Kafka topic of Avro-encoded ticket events keyed by
 * ticket id (so one ticket's events share a partition and keep their order),
 * consumer groups that commit an offset only after the handler succeeded, and a
 * dead-letter topic for messages that keep failing.
 */
export class KafkaEventBus implements EventBus {
  readonly topic: string;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly subscriptions = new Set<KafkaGroupConsumer>();
  private readonly joinedGroups = new Set<string>();
  private closed = false;

  private constructor(private readonly options: KafkaEventBusOptions) {
    this.topic = options.topic;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'support-desk',
      brokers: options.brokers,
      connectionTimeout: 3_000,
      retry: options.retry ?? DEFAULT_RETRY,
      logLevel: options.logLevel ?? KafkaLogLevel.WARN,
    });
    const idempotent = options.idempotent ?? true;
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 hashing: other teams' producers put a ticket id in the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent,
      // One request in flight per broker: a retried batch can't overtake the next one (per-key order).
      maxInFlightRequests: 1,
      retry: options.retry ?? DEFAULT_RETRY,
    });
  }

  /** Creates the topic and its DLQ when missing, then connects the producer. */
  static async start(options: KafkaEventBusOptions): Promise<KafkaEventBus> {
    const bus = new KafkaEventBus(options);
    await bus.ensureTopics();
    await bus.producer.connect();
    return bus;
  }

  get deadLetterTopic(): string {
    return deadLetterTopicOf(this.topic);
  }

  /** Every group this bus subscribed, e.g. for a test to delete afterwards. */
  get groups(): string[] {
    return [...this.joinedGroups];
  }

  async publish(messages: BusMessage[]): Promise<void> {
    if (this.closed) throw new Error('KafkaEventBus is closed');
    if (messages.length === 0) return;
    // Encode all first: a message we can't encode fails the call before anything is written.
    const encoded = messages.map(encodeBusMessage);
    await this.producer.send({ topic: this.topic, messages: encoded, acks: -1 });
  }

  async subscribe(group: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<BusSubscription> {
    if (this.closed) throw new Error('KafkaEventBus is closed');
    this.joinedGroups.add(group);
    const member = await KafkaGroupConsumer.start({
      kafka: this.kafka,
      topic: this.topic,
      group,
      handler,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryBaseMs: this.options.retryBaseMs ?? 100,
      retryCapMs: this.options.retryCapMs ?? 5_000,
      tuning: this.options.consumer ?? {},
      deadLetter: (input) => writeDeadLetter(this.producer, this.topic, { ...input, group }),
      onHandlerError: this.options.onHandlerError,
    });
    this.subscriptions.add(member);
    return {
      stop: async () => {
        this.subscriptions.delete(member);
        await member.stop();
      },
    };
  }

  /** Dead letters of one group, read back from the DLQ topic (slow: for tests and operators). */
  deadLetters(group: string): Promise<DeadLetter[]> {
    return readDeadLetters(this.kafka, this.topic, group);
  }

  /** A connected admin client, for tooling and tests; the caller disconnects it. */
  async admin(config?: AdminConfig): Promise<Admin> {
    const admin = this.kafka.admin(config);
    await admin.connect();
    return admin;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers first: one may still be dead-lettering through the producer.
    const stopping = [...this.subscriptions].map((s) => s.stop());
    this.subscriptions.clear();
    const results = await Promise.allSettled(stopping);
    await this.producer.disconnect();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async ensureTopics(): Promise<void> {
    const { partitions = 6, replicationFactor = 1 } = this.options;
    const admin = await this.admin();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [this.topic, this.deadLetterTopic].filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
        })
        .catch(async (error: unknown) => {
          // Another process may have created it between listTopics and createTopics.
          if (isTopicAlreadyExists(error)) return;
          // Created, but the broker's metadata does not show it yet (KRaft propagation, slow
          // under load): kafkajs gives up on that at once. Wait for it instead of failing the start.
          if ((error as { type?: string } | null)?.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
          await waitForTopics(admin, missing, TOPIC_METADATA_WAIT_MS);
        });
    } finally {
      await admin.disconnect();
    }
  }
}

const TOPIC_METADATA_WAIT_MS = 30_000;

/** Polls the topics' metadata until every partition has a leader, or fails with the last error after `timeoutMs`. */
async function waitForTopics(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) throw new Error(`Kafka topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isTopicAlreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: { type?: string }[] } | null;
  if (e?.type === 'TOPIC_ALREADY_EXISTS') return true;
  const inner = e?.errors ?? [];
  return inner.length > 0 && inner.every((x) => x.type === 'TOPIC_ALREADY_EXISTS');
}
