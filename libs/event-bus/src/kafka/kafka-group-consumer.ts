import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { waitBackoff } from '@support-desk/event-store';
import type { BusMessage, BusSubscription, MessageHandler } from '../event-bus.port';
import { decodeKafkaMessage } from './kafka-message-codec';
import { forEachLimited, lanesByKey } from './key-lanes';

export type GroupConsumerTuning = Partial<Pick<ConsumerConfig, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'maxWaitTimeInMs' | 'retry'>> & {
  /** How long subscribe() waits for the group join before giving up. */
  joinTimeoutMs?: number;
  /** Partitions worked at once (default 4); more than this member owns gains nothing. */
  partitionsConsumedConcurrently?: number;
  /** Keys worked at once inside one partition (default 4); one key's messages always run in order. */
  keysConsumedConcurrently?: number;
  /** Messages per unit of work whose offsets are resolved together (default 100). */
  chunkSize?: number;
};

export type GroupConsumerOptions = {
  kafka: Kafka;
  topic: string;
  group: string;
  handler: MessageHandler;
  maxAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
  tuning: GroupConsumerTuning;
  /** Writes a dead letter; must resolve only once it is durable (the offset is committed right after). */
  deadLetter: (input: { message: KafkaMessage; partition: number; error: unknown; attempts: number }) => Promise<void>;
  onHandlerError?: (error: unknown, message: BusMessage, attempt: number) => void;
};

type Outcome = 'handled' | 'stopped';

/**
 * One member of a consumer group. Offsets are resolved only after the handler
 * succeeded or the message was dead-lettered, so a crash or a stop redelivers
 * whatever was in flight (at-least-once). Failures are retried here, in-process,
 * so the next message of the same key waits: per-key order holds even through
 * retries.
 */
export class KafkaGroupConsumer implements BusSubscription {
  private readonly consumer: Consumer;
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;

  private constructor(private readonly options: GroupConsumerOptions) {
    const { sessionTimeout, heartbeatInterval, rebalanceTimeout, maxWaitTimeInMs, retry } = options.tuning;
    this.consumer = options.kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval,
      rebalanceTimeout,
      maxWaitTimeInMs,
      retry,
    });
  }

  /** Resolves once this member has joined the group (and so owns its share of partitions). */
  static async start(options: GroupConsumerOptions): Promise<KafkaGroupConsumer> {
    const member = new KafkaGroupConsumer(options);
    try {
      await member.join();
      return member;
    } catch (error) {
      await member.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.disconnect();
    return this.stopping;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async disconnect(): Promise<void> {
    this.abort.abort(); // ends a back-off wait at once; the message in flight stays unresolved
    await this.consumer.disconnect(); // waits for the batch in flight, commits what was resolved, leaves the group
  }

  private async join(): Promise<void> {
    const { topic, group, tuning } = this.options;
    const timeoutMs = tuning.joinTimeoutMs ?? 60_000;
    await this.consumer.connect();
    // New groups start at the earliest offset: nothing published before the first member joined is skipped.
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    let timer: NodeJS.Timeout | undefined;
    const removers: (() => void)[] = [];
    const joined = new Promise<void>((resolve, reject) => {
      removers.push(this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
      // A crash kafkajs will restart from may still join in time; one it won't restart from is final.
      removers.push(this.consumer.on(this.consumer.events.CRASH, (e) => !e.payload.restart && reject(e.payload.error)));
      timer = setTimeout(() => reject(new Error(`consumer group ${group} not joined within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await this.consumer.run({
        eachBatchAutoResolve: false,
        // Partitions are worked in parallel; order only matters within one (one ticket = one key = one partition).
        // A partition left waiting for a free slot adds its wait to every event in it.
        partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently ?? 4,
        // Commit resolved offsets at least this often inside a long batch (kafkajs also commits after each batch).
        autoCommitInterval: 1_000,
        eachBatch: (payload) => this.eachBatch(payload),
      });
      await joined;
    } finally {
      clearTimeout(timer);
      for (const remove of removers) remove();
    }
  }

  /**
   * Works a fetched batch in chunks. Inside a chunk, messages are laned by key: one
   * key's messages run in order, different keys (tickets) side by side, so one slow
   * write does not hold every ticket behind it in the partition. A chunk's offsets
   * are resolved only when all of it is done, so a crash or a rebalance redelivers
   * the chunk (at-least-once; handlers are idempotent).
   */
  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { keysConsumedConcurrently = 4, chunkSize = 100 } = this.options.tuning;
    for (let start = 0; start < batch.messages.length; start += chunkSize) {
      const chunk = batch.messages.slice(start, start + chunkSize);
      let halted = false;
      // Stale: a rebalance moved this partition; its new owner starts from the committed offset.
      const mayGoOn = () => !halted && !this.stopped && isRunning() && !isStale();
      await forEachLimited(lanesByKey(chunk), keysConsumedConcurrently, async (lane) => {
        for (const message of lane) {
          if (!mayGoOn()) return;
          try {
            if ((await this.process(message, batch.partition, heartbeat)) === 'stopped') halted = true;
          } catch (error) {
            halted = true; // e.g. a rebalance seen by heartbeat(): the other lanes stop too
            throw error;
          }
        }
      });
      if (!mayGoOn()) return;
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async process(message: KafkaMessage, partition: number, heartbeat: () => Promise<void>): Promise<Outcome> {
    let busMessage: BusMessage;
    try {
      busMessage = decodeKafkaMessage(message);
    } catch (error) {
      // Retrying can't fix bytes we can't read: straight to the DLQ.
      await this.options.deadLetter({ message, partition, error, attempts: 0 });
      return 'handled';
    }
    const { handler, maxAttempts, retryBaseMs, retryCapMs, onHandlerError } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(busMessage);
        return 'handled';
      } catch (error) {
        onHandlerError?.(error, busMessage, attempt);
        if (attempt >= maxAttempts) {
          await this.options.deadLetter({ message, partition, error, attempts: attempt });
          return 'handled';
        }
        await waitBackoff(attempt, this.abort.signal, retryBaseMs, retryCapMs);
        if (this.stopped) return 'stopped';
        // Keeps the membership alive through long back-offs; throws if the group is rebalancing,
        // which ends the batch without resolving this message (the new owner will redeliver it).
        await heartbeat();
      }
    }
  }
}
