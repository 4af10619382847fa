/**
 * A deterministic corpus of tickets for the search and rebuild benches: the
 * same seed gives the same tickets, so runs compare. Shaped like a support
 * desk's year: ~5 tickets per customer, a category mix with a long tail, most
 * tickets synced and solved, a few failed, free text drawn from a Zipf-like
 * vocabulary (common words, and a long tail of rare ones).
 */
import { ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import type { NewEvent } from '@support-desk/event-store';
import { foldTicketView } from '@support-desk/feature-query';
import type { StoredTicketView } from '@support-desk/read-model';

export type CorpusOptions = { tickets: number; seed?: number; endAt?: number; spanDays?: number };

const DAY = 86_400_000;
/** A fixed end, not now: the same corpus every run. */
export const CORPUS_END = Date.UTC(2025, 11, 31);

const CATEGORIES: [string, number][] = [
  ['crash', 30],
  ['login', 20],
  ['billing', 15],
  ['sync', 10],
  ['ui', 8],
  ['performance', 7],
  ['notifications', 5],
  ['account', 3],
  ['other', 1.5],
  ['privacy', 0.5],
];
const STATUSES: [string, number][] = [
  ['open', 25],
  ['pending', 10],
  ['hold', 2],
  ['solved', 50],
  ['closed', 13],
];
const COMMON = (
  'app crash crashes login error screen update sync account password payment notification slow freeze black white button ' +
  'settings profile photo upload download network offline data lost cannot open close start stuck loading version phone ' +
  'tablet android ios email code reset charge refund subscription widget battery camera map search message chat share'
).split(' ');

export type CorpusTicket = { events: TicketEvent[]; view: StoredTicketView };

/** Values a bench can search for, taken from the corpus itself. */
export type CorpusSamples = {
  uuid: string[];
  udid: string[];
  email: string[];
  phone: string[];
  ticketId: string[];
  zendeskTicketId: string[];
  rareWord: string[];
};

export function corpus(options: CorpusOptions) {
  const random = prng(options.seed ?? 42);
  const span = (options.spanDays ?? 365) * DAY;
  const end = options.endAt ?? CORPUS_END;
  const customers = Math.max(1, Math.floor(options.tickets / 5));
  const rareWords = Math.max(100, Math.floor(options.tickets / 20));
  const samples: CorpusSamples = { uuid: [], udid: [], email: [], phone: [], ticketId: [], zendeskTicketId: [], rareWord: [] };
  const sampleEvery = Math.max(1, Math.floor(options.tickets / 1000));

  const word = () => (random() < 0.8 ? COMMON[Math.floor(random() ** 2 * COMMON.length)]! : `zq${Math.floor(random() ** 3 * rareWords).toString(36)}`);
  const words = (n: number) => Array.from({ length: n }, word).join(' ');

  function ticket(i: number): CorpusTicket {
    const customer = Math.floor(random() * customers);
    const recordId = uuidFrom(random);
    const ticketId = uuidFrom(random);
    const requestedAt = end - span + Math.floor((i * span) / options.tickets) + Math.floor(random() * 1000);
    const subject = `${words(3 + Math.floor(random() * 4))}`;
    const message = `${words(15 + Math.floor(random() * 25))}`;
    const data = {
      recordId,
      ticketId,
      uuid: `c0ffee00-0000-4000-8000-${customer.toString(16).padStart(12, '0')}`,
      udid: `DE71CE00-0000-4000-8000-${(customer * 2 + (random() < 0.3 ? 1 : 0)).toString(16).padStart(12, '0').toUpperCase()}`,
      subject,
      message,
      email: `customer${customer}@example.com`,
      name: `Customer ${customer}`,
      category: pick(random, CATEGORIES),
      phone: customer % 10 < 7 ? `+44 20 ${String(customer).padStart(8, '0')}` : null,
      images: [],
      requestedAt,
    };
    const events: TicketEvent[] = [{ type: 'TicketRequested', data }];
    const file = (fileType: 'LOG' | 'FEEDBACK_PHOTO'): TicketEvent => ({
      type: 'SupportFileUploaded',
      data: {
        recordId,
        ticketId,
        fileType,
        blobKey: `k/${recordId}/${fileType}`,
        fileName: 'f',
        contentType: 'text/plain',
        size: 10,
        uploadedAt: requestedAt + 1000,
      },
    });
    if (random() < 0.3) events.push(file('LOG'));
    if (random() < 0.1) events.push(file('FEEDBACK_PHOTO'));
    const fate = random();
    const zendeskTicketId = String(100_000 + i);
    if (fate < 0.9) {
      events.push({ type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId, syncedAt: requestedAt + 2000 } });
      const status = pick(random, STATUSES);
      if (status !== 'open')
        events.push({ type: 'TicketStatusChanged', data: { recordId, ticketId, zendeskTicketId, status: 'open', changedAt: requestedAt + 3000 } });
      events.push({ type: 'TicketStatusChanged', data: { recordId, ticketId, zendeskTicketId, status, changedAt: requestedAt + 4000 } });
    } else if (fate < 0.93) {
      events.push({ type: 'TicketSyncFailed', data: { recordId, ticketId, reason: 'Zendesk answered 503', attempts: 5, failedAt: requestedAt + 2000 } });
    }
    const view = foldTicketView(events)!;
    if (i % sampleEvery === 0) {
      samples.uuid.push(data.uuid);
      samples.udid.push(data.udid);
      samples.email.push(data.email);
      if (data.phone) samples.phone.push(data.phone);
      samples.ticketId.push(ticketId);
      if (fate < 0.9) samples.zendeskTicketId.push(zendeskTicketId);
      const rare = message.split(' ').find((w) => w.startsWith('zq'));
      if (rare) samples.rareWord.push(rare);
    }
    return { events, view: { view, revision: events.length - 1 } };
  }

  return {
    samples,
    /** Every ticket in creation order, with its events and its final view. */
    *tickets(): Generator<CorpusTicket> {
      for (let i = 0; i < options.tickets; i++) yield ticket(i);
    },
  };
}

/**
 * The corpus as an event store receives it: each ticket's first events when it
 * is created, its Zendesk status changes a few thousand tickets later (as
 * replies come in days after), so a rebuild sees streams interleaved.
 */
export type CorpusAppend = { streamId: string; revision: number; event: NewEvent };

export function* appendOrder(tickets: Iterable<CorpusTicket>): Generator<CorpusAppend> {
  const later = new Map<number, CorpusAppend[]>();
  let i = 0;
  for (const { events } of tickets) {
    yield* later.get(i) ?? [];
    later.delete(i);
    const streamId = ticketStreamId(events[0]!.data.recordId);
    const due = i + 1 + ((i * 7919) % 4000);
    for (const [revision, event] of events.entries()) {
      const entry = { streamId, revision, event: { type: event.type, data: event.data as unknown as Record<string, unknown> } };
      if (event.type === 'TicketStatusChanged') later.set(due, [...(later.get(due) ?? []), entry]);
      else yield entry;
    }
    i++;
  }
  for (const key of [...later.keys()].sort((a, b) => a - b)) yield* later.get(key)!;
}

function pick(random: () => number, weighted: [string, number][]): string {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
  return weighted.at(-1)![0];
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** mulberry32: small, fast, good enough for a bench corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
