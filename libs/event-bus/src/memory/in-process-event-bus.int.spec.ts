import { describe, expect, it } from 'vitest';
import { eventBusContract, ticketMessage } from '../testing';
import { InProcessEventBus } from './in-process-event-bus';

eventBusContract('in-process', async () => {
  const bus = new InProcessEventBus({ retryBaseMs: 5 });
  return { bus, deadLetters: async (group) => bus.deadLetters.filter((d) => d.group === group) };
});

describe('in-process bus with a batch handler', () => {
  it('hands what is queued to the batch handler, in publish order, and publish waits for it', async () => {
    const bus = new InProcessEventBus({ retryBaseMs: 5 });
    const batches: string[][] = [];
    const singles: string[] = [];
    await bus.subscribe('g', async (m) => void singles.push(m.event.id), {
      handleBatch: async (messages) => void batches.push(messages.map((m) => m.event.id)),
    });
    const messages = [ticketMessage('t1'), ticketMessage('t2'), ticketMessage('t1')];
    await bus.publish(messages);
    expect(batches.flat()).toEqual(messages.map((m) => m.event.id));
    expect(batches.length).toBeLessThan(messages.length);
    expect(singles).toEqual([]);
    await bus.close();
  });

  it('handles a failed batch one message at a time: the good ones pass, the bad one is dead-lettered', async () => {
    const bus = new InProcessEventBus({ retryBaseMs: 1 });
    const messages = [ticketMessage('t1'), ticketMessage('t2'), ticketMessage('t3')];
    const bad = messages[1]!.event.id;
    const singles: string[] = [];
    let batchCalls = 0;
    await bus.subscribe(
      'g',
      async (m) => {
        if (m.event.id === bad) throw new Error('poison');
        singles.push(m.event.id);
      },
      {
        maxAttempts: 2,
        handleBatch: async (batch) => {
          batchCalls++;
          if (batch.some((m) => m.event.id === bad)) throw new Error('poison in batch');
        },
      },
    );
    await bus.publish(messages);
    expect(batchCalls).toBeGreaterThan(0);
    expect(singles).toEqual([messages[0]!.event.id, messages[2]!.event.id]);
    expect(bus.deadLetters.map((d) => d.message.event.id)).toEqual([bad]);
    // Batching resumes after the failed batch's messages.
    const later = ticketMessage('t4');
    await bus.publish([later]);
    expect(singles).not.toContain(later.event.id);
    await bus.close();
  });
});
