import type { RecordedEvent } from '@support-desk/event-store';

/**
 * Committed events, fanned out to consumer groups. Delivery is at-least-once and
 * ordered per key (the ticket id); every consumer must be idempotent.
 */
export type BusMessage = {
  /** Partition key: messages with one key are delivered in publish order. */
  key: string;
  event: RecordedEvent;
};

export type MessageHandler = (message: BusMessage) => Promise<void>;

export type DeadLetter = { group: string; message: BusMessage; error: string; attempts: number };

export type SubscribeOptions = {
  /** Attempts before a message is dead-lettered and the group moves on. */
  maxAttempts?: number;
  /**
   * Optional: handles several messages in one call (e.g. one read-model
   * transaction). The in-process bus hands it what is queued for the member, in
   * order; other buses may ignore it. Its effect must be that of `handler` on
   * each message in turn; when it throws, the bus handles those messages one at
   * a time with `handler` (retries and dead letters as usual), so it must leave
   * nothing a redelivery cannot repair.
   */
  handleBatch?: (messages: BusMessage[]) => Promise<void>;
};

export type BusSubscription = { stop(): Promise<void> };

export interface EventBus {
  /** Resolves once the messages are durable for every consumer group (or handled, in-process). */
  publish(messages: BusMessage[]): Promise<void>;
  /** Joins `group`; each message reaches one member of each group. */
  subscribe(group: string, handler: MessageHandler, options?: SubscribeOptions): Promise<BusSubscription>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Ticket events are keyed by ticket id so one ticket's events stay in order. */
export function messageFor(event: RecordedEvent): BusMessage {
  const ticketId = typeof event.data.ticketId === 'string' ? event.data.ticketId : event.streamId;
  return { key: ticketId, event };
}
