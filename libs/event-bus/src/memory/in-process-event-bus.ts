import { setImmediate as nextTurn } from 'node:timers/promises';
import { waitBackoff } from '@support-desk/event-store';
import {
  DEFAULT_MAX_ATTEMPTS,
  type BusMessage,
  type BusSubscription,
  type DeadLetter,
  type EventBus,
  type MessageHandler,
  type SubscribeOptions,
} from '../event-bus.port';

type Delivery = { message: BusMessage; done: () => void; fail: (error: Error) => void };

type BatchHandler = NonNullable<SubscribeOptions['handleBatch']>;

/** Most messages handed to a batch handler at once: bounds how long one call holds the event loop. */
export const MAX_HANDLER_BATCH = 256;

/**
 * One member of a group: a FIFO worked off in order, one message at a time, or
 * with a batch handler everything queued (up to MAX_HANDLER_BATCH) in one call.
 */
class Member {
  private readonly queue: Delivery[] = [];
  private running = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private idle: Promise<void> = Promise.resolve();
  /** After a failed batch, its messages are handled one by one (retries, dead letters) before batching again. */
  private singlesLeft = 0;

  constructor(
    readonly group: string,
    private readonly handler: MessageHandler,
    private readonly maxAttempts: number,
    private readonly onDeadLetter: (dl: DeadLetter) => void,
    private readonly retryBaseMs: number,
    private readonly handleBatch?: BatchHandler,
  ) {}

  enqueue(delivery: Delivery): void {
    this.queue.push(delivery);
    if (!this.running) this.idle = this.drain();
  }

  async stop(): Promise<Delivery[]> {
    this.stopped = true;
    this.abort.abort();
    await this.idle;
    return this.queue.splice(0);
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queue.length > 0) {
      if (this.handleBatch && this.singlesLeft === 0) {
        // Let the process's I/O (new requests) in first: a consumer is background work, and more queues up meanwhile.
        await nextTurn();
        if (this.stopped) break;
        if (await this.handleQueuedBatch(this.handleBatch)) continue;
      }
      if (this.singlesLeft > 0) this.singlesLeft--;
      const delivery = this.queue[0]!;
      const handled = await this.handle(delivery.message);
      if (!handled) break; // stopped mid-retry: the message stays queued for another member
      this.queue.shift();
      delivery.done();
    }
    this.running = false;
  }

  /** True when the batch was handled (its deliveries are done); false: handle them one by one. */
  private async handleQueuedBatch(handleBatch: BatchHandler): Promise<boolean> {
    const batch = this.queue.slice(0, MAX_HANDLER_BATCH);
    try {
      await handleBatch(batch.map((d) => structuredClone(d.message)));
    } catch {
      // Each message then gets the usual tries and, if it keeps failing, the dead letter queue.
      this.singlesLeft = batch.length;
      return false;
    }
    this.queue.splice(0, batch.length);
    for (const delivery of batch) delivery.done();
    return true;
  }

  private async handle(message: BusMessage): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A copy, so a handler can't alter what other groups receive.
        await this.handler(structuredClone(message));
        return true;
      } catch (error) {
        if (attempt >= this.maxAttempts) {
          this.onDeadLetter({ group: this.group, message, error: error instanceof Error ? error.message : String(error), attempts: attempt });
          return true;
        }
        await waitBackoff(attempt, this.abort.signal, this.retryBaseMs);
        if (this.stopped) return false;
      }
    }
  }
}

/**
 * The embedded bus. `publish` resolves only when every group has handled (or
 * dead-lettered) the messages, so the relay stores its checkpoint after real
 * delivery: a crash before that replays the events on restart (at-least-once).
 */
export class InProcessEventBus implements EventBus {
  private readonly groups = new Map<string, Member[]>();
  readonly deadLetters: DeadLetter[] = [];

  constructor(private readonly options: { onDeadLetter?: (dl: DeadLetter) => void; retryBaseMs?: number } = {}) {}

  async publish(messages: BusMessage[]): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const message of messages) {
      for (const members of this.groups.values()) {
        const member = members[hash(message.key) % members.length]!;
        pending.push(new Promise<void>((done, fail) => member.enqueue({ message, done, fail })));
      }
    }
    await Promise.all(pending);
  }

  async subscribe(group: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<BusSubscription> {
    const member = new Member(
      group,
      handler,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      (dl) => {
        this.deadLetters.push(dl);
        this.options.onDeadLetter?.(dl);
      },
      this.options.retryBaseMs ?? 100,
      options.handleBatch,
    );
    this.groups.set(group, [...(this.groups.get(group) ?? []), member]);
    return { stop: () => this.leave(group, member) };
  }

  async close(): Promise<void> {
    for (const [group, members] of this.groups) for (const m of members) await this.leave(group, m);
  }

  private async leave(group: string, member: Member): Promise<void> {
    const rest = (this.groups.get(group) ?? []).filter((m) => m !== member);
    if (rest.length > 0) this.groups.set(group, rest);
    else this.groups.delete(group);
    const unfinished = await member.stop();
    // Hand what the member had not finished to the remaining members, like a rebalance.
    // With no member left, fail the publish so the relay keeps its checkpoint and replays later.
    for (const delivery of unfinished) {
      if (rest.length === 0) delivery.fail(new Error(`consumer group ${group} closed before handling the message`));
      else rest[hash(delivery.message.key) % rest.length]!.enqueue(delivery);
    }
  }
}

function hash(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}
