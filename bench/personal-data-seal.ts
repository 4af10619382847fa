/**
 * Micro-measure of the personal-data formats on one TicketRequested (seven
 * personal fields): CPU per event to seal (append) and to open (read), pd1
 * (an AES-256-GCM cipher per field) vs pd2 (one per event). In process, no I/O.
 *
 *   npx tsx bench/personal-data-seal.ts [events per round, default 100000] [rounds, default 3]
 *
 * pd2 seal goes through protectPersonalData.append (into a store that drops
 * events: key lookup, subject and copies included); pd1 seal is the loop that
 * append ran before pd2 (testing's pd1Event), crypto only, so the comparison
 * favours pd1. Opening goes through readStream for both.
 */
import type { EventStore, NewEvent, RecordedEvent } from '@support-desk/event-store';
import { protectPersonalData } from '@support-desk/personal-data';
import { MemoryDataKeyStore } from '@support-desk/personal-data/memory';
import { pd1Event } from '@support-desk/personal-data/testing';

const perRound = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);

const event: NewEvent = {
  type: 'TicketRequested',
  data: {
    recordId: 'r-1',
    ticketId: 't-1',
    uuid: '0b7c2f3e-5d1a-4c7e-9a39-1d2f3a4b5c6d',
    udid: 'A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF',
    subject: 'App crashes on start',
    message: 'Since the last update the app crashes right after the splash screen. Please help.',
    email: 'alice@example.com',
    name: 'Alice Example',
    category: 'BUG',
    phone: '+49 170 1234567',
    images: ['screen-1.png'],
    requestedAt: 1,
  },
};

/** Appends are captured, not stored; readStream returns the one event set. */
class OneEventStore implements EventStore {
  last?: NewEvent;
  stored?: RecordedEvent;
  async append(_streamId: string, events: NewEvent[]) {
    this.last = events[0];
    return { nextExpectedRevision: 0, position: '0' };
  }
  async readStream() {
    return [this.stored!];
  }
  subscribeToAll(): never {
    throw new Error('not measured');
  }
  async close() {}
}

const recorded = (e: NewEvent): RecordedEvent => ({ id: 'e', streamId: 's', revision: 0, position: '0', recordedAt: 0, ...e, metadata: e.metadata ?? {} });

async function timed(label: string, run: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < perRound; i++) await run();
  const { user, system } = process.cpuUsage(start);
  const us = (user + system) / perRound;
  console.log(`${label.padEnd(10)} ${us.toFixed(2)} µs CPU/event`);
  return us;
}

const keys = new MemoryDataKeyStore();
const key = await keys.keyFor(event.data.uuid as string);
const inner = new OneEventStore();
const store = protectPersonalData(inner, keys);
const options = { expectedRevision: 'any' as const };

for (let round = 1; round <= rounds; round++) {
  console.log(`round ${round}: ${perRound} events`);
  await timed('pd1 seal', () => pd1Event(event, key, event.data.uuid as string));
  await timed('pd2 seal', () => store.append('s', [event], options));
  inner.stored = recorded(pd1Event(event, key, event.data.uuid as string));
  await timed('pd1 open', () => store.readStream('s'));
  await store.append('s', [event], options);
  inner.stored = recorded(inner.last!);
  await timed('pd2 open', () => store.readStream('s'));
}
