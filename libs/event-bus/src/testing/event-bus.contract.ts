import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordedEvent } from '@support-desk/event-store';
import type { BusMessage, DeadLetter, EventBus } from '../event-bus.port';

export type EventBusFactory = () => Promise<{
  bus: EventBus;
  /** Dead letters seen by the adapter (in-process list, or read back from the DLQ topic). */
  deadLetters: (group: string) => Promise<DeadLetter[]>;
  cleanup?: () => Promise<void>;
}>;

/** vi.waitFor / expect.poll options for delivery: a new Kafka group takes seconds to join. */
const delivery = { timeout: 30_000, interval: 10 } as const;

let counter = 0;
export function ticketMessage(key: string, type = 'TicketRequested', data: Record<string, unknown> = {}): BusMessage {
  counter += 1;
  const recordId = randomUUID();
  const event: RecordedEvent = {
    id: randomUUID(),
    streamId: `support-ticket-${recordId}`,
    type,
    data: sampleData(type, key, recordId, data),
    metadata: { correlationId: `corr-${counter}` },
    revision: counter,
    position: String(counter),
    recordedAt: 1_700_000_000_000 + counter,
  };
  return { key, event };
}

function sampleData(type: string, ticketId: string, recordId: string, extra: Record<string, unknown>): Record<string, unknown> {
  const base = { recordId, ticketId };
  switch (type) {
    case 'TicketSynced':
      return { ...base, zendeskTicketId: '42', syncedAt: 1_700_000_000_000, ...extra };
    case 'TicketSyncFailed':
      return { ...base, reason: 'r', attempts: 3, failedAt: 1_700_000_000_000, ...extra };
    case 'SupportFileUploaded':
      return { ...base, fileType: 'LOG', blobKey: 'k', fileName: 'a.log', contentType: 'text/plain', size: 3, uploadedAt: 1_700_000_000_000, ...extra };
    default:
      return {
        ...base,
        uuid: 'u',
        udid: 'd',
        subject: 's',
        message: 'm',
        email: 'e@example.com',
        name: null,
        category: 'c',
        phone: null,
        images: [],
        requestedAt: 1_700_000_000_000,
        ...extra,
      };
  }
}

/** The behaviour every EventBus adapter must show. */
export function eventBusContract(adapterName: string, factory: EventBusFactory): void {
  describe(`EventBus contract: ${adapterName}`, () => {
    let bus: EventBus;
    let deadLetters: (group: string) => Promise<DeadLetter[]>;
    let cleanup: (() => Promise<void>) | undefined;
    let group: (name: string) => string;

    beforeEach(async () => {
      ({ bus, deadLetters, cleanup } = await factory());
      const run = randomUUID().slice(0, 8);
      group = (name) => `${name}-${run}`;
    });
    afterEach(async () => {
      await bus.close();
      await cleanup?.();
    });

    it('delivers every message to each group, with its event intact', async () => {
      const a: BusMessage[] = [];
      const b: BusMessage[] = [];
      await bus.subscribe(group('a'), async (m) => void a.push(m));
      await bus.subscribe(group('b'), async (m) => void b.push(m));
      const sent = [ticketMessage('t1'), ticketMessage('t2', 'TicketSynced')];
      await bus.publish(sent);
      await expect.poll(() => Math.min(a.length, b.length), delivery).toBeGreaterThanOrEqual(2);
      for (const seen of [a, b]) {
        const byId = new Map(seen.map((m) => [m.event.id, m]));
        for (const m of sent) {
          const got = byId.get(m.event.id);
          expect(got?.key).toBe(m.key);
          expect(got?.event).toMatchObject({ type: m.event.type, streamId: m.event.streamId, revision: m.event.revision, data: m.event.data });
          expect(got?.event.metadata.correlationId).toBe(m.event.metadata.correlationId);
        }
      }
    });

    it('keeps the order of one key', async () => {
      const seen: number[] = [];
      await bus.subscribe(group('order'), async (m) => void seen.push(m.event.revision));
      const sent = Array.from({ length: 20 }, () => ticketMessage('same-ticket', 'TicketSynced'));
      for (const m of sent) await bus.publish([m]);
      await expect.poll(() => seen.length, delivery).toBeGreaterThanOrEqual(20);
      expect(seen).toEqual(sent.map((m) => m.event.revision));
    });

    it('keeps every key in order when keys interleave and handlers take varying time', async () => {
      const seen = new Map<string, number[]>();
      const keys = ['k-a', 'k-b', 'k-c'];
      const sent = Array.from({ length: 40 }, (_, i) => ticketMessage(keys[i % keys.length]!, 'TicketSynced'));
      const slow = new Set(sent.filter((_, i) => i % 2 === 0).map((m) => m.event.id));
      await bus.subscribe(group('interleaved'), async (m) => {
        // Every other message is slow: run side by side, a key's next message would overtake it.
        await new Promise((r) => setTimeout(r, slow.has(m.event.id) ? 10 : 0));
        seen.set(m.key, [...(seen.get(m.key) ?? []), m.event.revision]);
      });
      await bus.publish(sent);
      await expect.poll(() => [...seen.values()].flat().length, delivery).toBeGreaterThanOrEqual(sent.length);
      for (const key of keys) expect(seen.get(key)).toEqual(sent.filter((m) => m.key === key).map((m) => m.event.revision));
    });

    it('redelivers a message whose handler failed, before the next message of its key', async () => {
      const seen: string[] = [];
      let failures = 0;
      const [first, second] = [ticketMessage('k'), ticketMessage('k', 'TicketSynced')];
      await bus.subscribe(group('retry'), async (m) => {
        if (m.event.id === first.event.id && failures < 2) {
          failures++;
          throw new Error('transient');
        }
        seen.push(m.event.id);
      });
      await bus.publish([first, second]);
      await expect.poll(() => seen.length, delivery).toBeGreaterThanOrEqual(2);
      expect(failures).toBe(2);
      expect(seen).toEqual([first.event.id, second.event.id]);
    });

    it('dead-letters a message that keeps failing and goes on with the next', async () => {
      const seen: string[] = [];
      const [poison, next] = [ticketMessage('p'), ticketMessage('p', 'TicketSynced')];
      const g = group('dlq');
      await bus.subscribe(
        g,
        async (m) => {
          if (m.event.id === poison.event.id) throw new Error('always fails');
          seen.push(m.event.id);
        },
        { maxAttempts: 2 },
      );
      await bus.publish([poison, next]);
      await expect.poll(() => seen.length, delivery).toBeGreaterThanOrEqual(1);
      expect(seen).toEqual([next.event.id]);
      const letters = await vi.waitFor(
        async () => {
          const found = await deadLetters(g);
          expect(found).not.toHaveLength(0);
          return found;
        },
        { ...delivery, interval: 100 },
      );
      expect(letters.map((l) => l.message.event.id)).toEqual([poison.event.id]);
      expect(letters[0]!.error).toContain('always fails');
    });

    it('shares a group between members: each message handled once', async () => {
      const g = group('shared');
      const handled: string[] = [];
      await bus.subscribe(g, async (m) => void handled.push(m.event.id));
      await bus.subscribe(g, async (m) => void handled.push(m.event.id));
      const sent = Array.from({ length: 10 }, (_, i) => ticketMessage(`key-${i}`));
      await bus.publish(sent);
      await expect.poll(() => handled.length, delivery).toBeGreaterThanOrEqual(10);
      await new Promise((r) => setTimeout(r, 200));
      expect([...handled].sort()).toEqual(sent.map((m) => m.event.id).sort());
    });
  });
}
