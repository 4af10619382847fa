import type { Filter, IndexDescription } from 'mongodb';
import { ticketWords } from '../search-text';
import { SEARCH_KEY_FIELDS, searchKeys, type NormalizedQuery, type SearchKeys, type SortKey } from '../ticket-read-model.port';
import type { StoredTicketView, TicketView } from '../ticket-view';
import type { TicketDocumentV0 } from '../ticket-view.v0';
import { timeBuckets } from './time-buckets';

/**
 * One ticket per document: `_id` is the record id, the normalized search keys sit
 * in top-level fields (top-level rather than nested: FerretDB pushes only those
 * down), `words` holds the words of subject and message (search-text.ts) for
 * free text, `tb` its time buckets (time-buckets.ts), and the view is kept whole
 * in `doc` with its shape version (`doc.schemaVersion`), read back by
 * readStoredView. Documents written before views were versioned hold the v0
 * shape there.
 */
export type TicketDocument = SearchKeys & {
  _id: string;
  revision: number;
  createdAt: number;
  words: string[];
  tb: string[];
  doc: TicketView | TicketDocumentV0;
};

// Field names are fixed here, never taken from input: a filter only ever supplies values.
const KEY_FIELDS = [...SEARCH_KEY_FIELDS, 'ticketStatus', 'syncStatus', 'category'] as const satisfies readonly (keyof SearchKeys)[];

/** Newest first; `_id` breaks ties so paging is stable. */
export const SORT = { createdAt: -1, _id: -1 } as const;

/** One index per search field, each ending in the sort so a page needs no in-memory sort (on MongoDB). */
export const INDEXES: IndexDescription[] = [
  { key: { createdAt: -1, _id: -1 }, name: 'created' },
  ...KEY_FIELDS.map((field) => ({ key: { [field]: 1, createdAt: -1, _id: -1 }, name: `by_${field}` })),
  { key: { words: 1, createdAt: -1, _id: -1 }, name: 'by_words' },
];

/** Only the bucket walk (FerretDB) asks for time buckets. */
export const BUCKET_INDEX: IndexDescription = { key: { tb: 1, createdAt: -1, _id: -1 }, name: 'by_time_bucket' };

export function toDocumentFields({ view, revision }: StoredTicketView): Omit<TicketDocument, '_id'> {
  return {
    ...searchKeys(view),
    revision,
    createdAt: view.requestedAt,
    words: ticketWords(view.subject, view.message),
    tb: timeBuckets(view.requestedAt),
    doc: view,
  };
}

/**
 * The equalities of a query, each with `$eq` on a fixed path and a string value:
 * a client object such as `{"$ne": ""}` can never become an operator. FerretDB
 * pushes these down to PostgreSQL (indexed); everything else it tests in memory.
 * Of several words the longest goes first (likeliest the rarest), as only one
 * condition per field is pushed down.
 */
export function equalities(query: NormalizedQuery): Record<string, { $eq: string }> {
  const values: Partial<Record<(typeof KEY_FIELDS)[number], string>> = {
    ...query.keys,
    ticketStatus: query.ticketStatus,
    syncStatus: query.syncStatus,
    category: query.category,
  };
  const out: Record<string, { $eq: string }> = {};
  for (const field of KEY_FIELDS) {
    const value = values[field];
    if (value !== undefined) out[field] = { $eq: value };
  }
  const [first] = sortedWords(query);
  if (first !== undefined) out.words = { $eq: first };
  return out;
}

export type FilterScope = {
  /** Keyset page: only what sorts after this key. */
  after?: SortKey;
  /** One time bucket (bucket-walk.ts), pushed down beside the equalities... */
  bucket?: string;
  /** ...and within it, only what was created before this. */
  below?: number;
};

/** The whole query as one filter: equalities at the top (pushed down by FerretDB), the rest under `$and`. */
export function toFilter(query: NormalizedQuery, scope: FilterScope = {}): Filter<TicketDocument> {
  const and: Filter<TicketDocument>[] = [];
  for (const word of sortedWords(query).slice(1)) and.push({ words: { $eq: word } });
  const created: { $gte?: number; $lt?: number } = {};
  if (query.createdFrom !== undefined) created.$gte = query.createdFrom;
  const before = Math.min(query.createdTo ?? Infinity, scope.below ?? Infinity);
  if (before !== Infinity) created.$lt = before;
  if (Object.keys(created).length) and.push({ createdAt: created });
  const { after } = scope;
  if (after) and.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: { $eq: after.createdAt }, _id: { $lt: after.recordId } }] });
  const filter: Filter<TicketDocument> = equalities(query) as Filter<TicketDocument>;
  if (scope.bucket !== undefined) filter.tb = { $eq: scope.bucket };
  if (and.length) filter.$and = and;
  return filter;
}

/** Whether a query names one customer, device or ticket: few matches, whatever the collection's size. */
export function hasKey(query: NormalizedQuery): boolean {
  return Object.keys(query.keys).length > 0;
}

function sortedWords(query: NormalizedQuery): string[] {
  return [...(query.words ?? [])].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}
