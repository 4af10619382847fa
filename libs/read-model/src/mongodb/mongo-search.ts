import { ticketWords } from '../search-text';
import { viewMatches, type NormalizedQuery, type SortKey } from '../ticket-read-model.port';
import type { TicketView } from '../ticket-view';
import { walkBuckets } from './bucket-walk';
import type { MongoTicketCollection } from './mongo-ticket-collection';
import { bucketKey } from './time-buckets';
import { SORT, hasKey, hasTicketFilters, toFilter, viewOf, wordsFilter } from './ticket-document';

/** See MongoTicketReadModel: one find (`native`, MongoDB) or time-bucket walks where FerretDB would decode too much (`buckets`). */
export type SearchStrategy = 'native' | 'buckets';

export type SearchRun = {
  live: MongoTicketCollection;
  strategy: SearchStrategy;
  /** Documents a walk's probe aims to decode (bucket-walk.ts). */
  targetRows: number;
};

/**
 * What a search found: up to `limit + 1` matches from the page's start; every
 * match's count when it came free (`total`), or whether a count is cheap (a
 * key's few matches, or MongoDB's indexes).
 */
export type Found = { views: TicketView[]; total?: number; countable: boolean; how: 'find' | 'walk' | 'words'; probes: number };

/** A walk starts at the newest ticket, or at now when that one is this recent. */
const FRESH_MS = 3_600_000;
const CLOCK_SKEW_MS = 5 * 60_000;
/** Word matches read per round on MongoDB, before the other filters thin them. */
const WORDS_BATCH = 200;

/**
 * Up to `limit + 1` matches from the page's start (after `after`, or `offset` in), newest first:
 * - a customer or ticket key: one find on the key (few matches; with free text,
 *   all the key's tickets, their words checked here);
 * - free text otherwise: word matches from the words collection, newest first
 *   (a walk on FerretDB), then their tickets, checked against the other filters;
 * - otherwise one find (MongoDB) or a walk of time buckets (FerretDB).
 */
export async function findMatches(run: SearchRun, query: NormalizedQuery, after: SortKey | undefined, offset: number, limit: number): Promise<Found> {
  const need = offset + limit + 1;
  const oneFind = async (): Promise<Found> => {
    const docs = await run.live.tickets
      .find(toFilter(query, { after }), { projection: { doc: 1 } })
      .sort(SORT)
      .skip(offset)
      .limit(limit + 1)
      .toArray();
    return { views: docs.map(viewOf), countable: true, how: 'find', probes: 1 };
  };
  const from = (found: Found): Found => ({ ...found, views: found.views.slice(offset, need) });
  if (hasKey(query)) {
    if (!query.words) return oneFind();
    const docs = await run.live.tickets
      .find(toFilter(query, { after }), { projection: { doc: 1 } })
      .sort(SORT)
      .toArray();
    const words = query.words;
    const views = docs.map(viewOf).filter((v) => hasWords(v, words));
    return { ...from({ views, countable: false, how: 'find', probes: 1 }), total: views.length };
  }
  if (query.words) return from(run.strategy === 'buckets' ? await walkWords(run, query, after, need) : await pageWords(run, query, after, need));
  if (run.strategy === 'native') return oneFind();
  const { rows, probes } = await walkBuckets(await walkRequest(run, query, after, need), async ({ level, bucket }, below, probeLimit) => {
    const docs = await run.live.tickets
      .find(toFilter(query, { after, bucket: bucketKey(level, bucket), below }), { projection: { doc: 1 } })
      .sort(SORT)
      .limit(probeLimit)
      .toArray();
    return docs.map(viewOf);
  });
  return from({ views: rows, countable: false, how: 'walk', probes });
}

/** FerretDB: walk the words collection; each probe's word matches, then their tickets, checked against the other filters. */
async function walkWords(run: SearchRun, query: NormalizedQuery, after: SortKey | undefined, need: number): Promise<Found> {
  const others = hasTicketFilters(query);
  const { rows, probes } = await walkBuckets(await walkRequest(run, query, after, need), async ({ level, bucket }, below, limit) => {
    // With other filters to apply, every word match of the bucket is needed: the ones cut by a limit might pass.
    const matches = await run.live.words
      .find(wordsFilter(query, { after, bucket: bucketKey(level, bucket), below }), { projection: { _id: 1 } })
      .sort(SORT)
      .limit(others ? 0 : limit)
      .toArray();
    const views = await ticketsOf(
      run,
      matches.map((m) => m._id),
    );
    return views.filter((v) => matchesTicketFilters(v, query)).slice(0, limit);
  });
  return { views: rows, countable: false, how: 'words', probes };
}

/** MongoDB: word matches newest first in batches (keyset on the words collection), their tickets fetched with `$in`. */
async function pageWords(run: SearchRun, query: NormalizedQuery, after: SortKey | undefined, need: number): Promise<Found> {
  const views: TicketView[] = [];
  let from = after;
  let rounds = 0;
  while (views.length < need) {
    const matches = await run.live.words
      .find(wordsFilter(query, { after: from }), { projection: { _id: 1, createdAt: 1 } })
      .sort(SORT)
      .limit(WORDS_BATCH)
      .toArray();
    rounds++;
    if (matches.length === 0) break;
    const ids = matches.map((m) => m._id);
    const docs = await run.live.tickets.find({ _id: { $in: ids } }, { projection: { doc: 1 } }).toArray();
    const byId = new Map(docs.map((d) => [d._id, viewOf(d)]));
    for (const id of ids) {
      const view = byId.get(id);
      if (view && matchesTicketFilters(view, query)) views.push(view);
    }
    const last = matches.at(-1)!;
    from = { createdAt: last.createdAt, recordId: last._id };
    if (matches.length < WORDS_BATCH) break;
  }
  return { views: views.slice(0, need), countable: false, how: 'words', probes: rounds };
}

async function walkRequest(run: SearchRun, query: NormalizedQuery, after: SortKey | undefined, need: number) {
  const blocks = await run.live.blockList();
  // Tickets other processes wrote in the last second may be newer than the directory
  // says: while tickets are coming in, start from now (and a little clock skew).
  const now = Date.now();
  if (blocks[0] && now - blocks[0].newest < FRESH_MS) blocks[0] = { ...blocks[0], newest: Math.max(blocks[0].newest, now + CLOCK_SKEW_MS) };
  return {
    blocks,
    upper: Math.min(after ? after.createdAt + 1 : Infinity, query.createdTo ?? Infinity),
    lower: query.createdFrom ?? -Infinity,
    need,
    targetRows: run.targetRows,
  };
}

/** Tickets by record id, in the order asked (one `{_id}` find each, at once: FerretDB pushes down nothing else for a list). */
async function ticketsOf(run: SearchRun, ids: string[]): Promise<TicketView[]> {
  const docs = await Promise.all(ids.map((_id) => run.live.tickets.findOne({ _id }, { projection: { doc: 1 } })));
  return docs.flatMap((d) => (d ? [viewOf(d)] : [])); // a words document whose ticket write failed: not a ticket yet
}

function matchesTicketFilters(view: TicketView, query: NormalizedQuery): boolean {
  return viewMatches(view, { ...query, words: undefined }, new Set());
}

function hasWords(view: TicketView, words: readonly string[]): boolean {
  const own = new Set(ticketWords(view.subject, view.message));
  return words.every((w) => own.has(w));
}
