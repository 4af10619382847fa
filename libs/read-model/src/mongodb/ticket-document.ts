import type { Filter, IndexDescription } from 'mongodb';
import { ticketWords } from '../search-text';
import { SEARCH_KEY_FIELDS, searchKeys, type NormalizedQuery, type SearchKeys, type SortKey } from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView, type TicketView } from '../ticket-view';
import type { TicketDocumentV0 } from '../ticket-view.v0';
import { timeBuckets } from './time-buckets';

/**
 * One ticket per document, kept lean: FerretDB decodes every document a query
 * matched, field by field, before it sorts or projects, and that decoding is
 * most of a search's cost (measured: a document with the view as a nested
 * object and a 40-word array decoded ~4x slower than one with the view as a
 * JSON string and no array). So: `_id` is the record id, the normalized search
 * keys sit in top-level fields (FerretDB pushes only those down), `tb` holds the
 * time buckets (time-buckets.ts), and the view is `doc`, a JSON string (its
 * shape version inside, read back by readStoredView). Documents of earlier
 * layouts held the view as an object (the v0 shape, or the current one); they
 * are still read. The words of subject and message live in a collection of
 * their own (WordsDocument), read only by free-text searches.
 */
export type TicketDocument = SearchKeys & {
  _id: string;
  revision: number;
  createdAt: number;
  tb: string[];
  doc: string | TicketView | TicketDocumentV0;
};

/** `<collection>_words`: a ticket's words (search-text.ts), written with its first view; subject and message never change. */
export type WordsDocument = { _id: string; createdAt: number; tb: string[]; words: string[] };

// Field names are fixed here, never taken from input: a filter only ever supplies values.
const KEY_FIELDS = [...SEARCH_KEY_FIELDS, 'ticketStatus', 'syncStatus', 'category'] as const satisfies readonly (keyof SearchKeys)[];

/** Newest first; `_id` breaks ties so paging is stable. */
export const SORT = { createdAt: -1, _id: -1 } as const;

/** One index per search field, each ending in the sort so a page needs no in-memory sort (on MongoDB). */
export const INDEXES: IndexDescription[] = [
  { key: { createdAt: -1, _id: -1 }, name: 'created' },
  ...KEY_FIELDS.map((field) => ({ key: { [field]: 1, createdAt: -1, _id: -1 }, name: `by_${field}` })),
];
export const WORDS_INDEXES: IndexDescription[] = [{ key: { words: 1, createdAt: -1, _id: -1 }, name: 'by_word' }];

/** Only the bucket walk (FerretDB) asks for time buckets. */
export const BUCKET_INDEX: IndexDescription = { key: { tb: 1, createdAt: -1, _id: -1 }, name: 'by_time_bucket' };

export function toDocumentFields({ view, revision }: StoredTicketView): Omit<TicketDocument, '_id'> {
  return { ...searchKeys(view), revision, createdAt: view.requestedAt, tb: timeBuckets(view.requestedAt), doc: JSON.stringify(view) };
}

export function toWordsDocument(view: TicketView): WordsDocument {
  return { _id: view.recordId, createdAt: view.requestedAt, tb: timeBuckets(view.requestedAt), words: ticketWords(view.subject, view.message) };
}

/** The view in a stored document, whichever layout wrote it. */
export function viewOf(document: Pick<TicketDocument, 'doc'>): TicketView {
  return readStoredView(typeof document.doc === 'string' ? JSON.parse(document.doc) : document.doc);
}

/**
 * The equalities of a query on the ticket documents, each with `$eq` on a fixed
 * path and a string value: a client object such as `{"$ne": ""}` can never
 * become an operator. FerretDB pushes these down to PostgreSQL (indexed);
 * everything else it tests in memory.
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

/** The query's equalities at the top (pushed down by FerretDB), creation dates and the keyset under `$and`. Words are not here (wordsFilter). */
export function toFilter(query: NormalizedQuery, scope: FilterScope = {}): Filter<TicketDocument> {
  const filter = equalities(query) as Filter<TicketDocument>;
  return withScope(filter, query, scope) as Filter<TicketDocument>;
}

/**
 * Free text on the words collection: the longest word pushed down (likeliest the
 * rarest; only one condition per field is), the others tested in memory, with
 * the same dates, bucket and keyset as toFilter.
 */
export function wordsFilter(query: NormalizedQuery, scope: FilterScope = {}): Filter<WordsDocument> {
  const [first, ...rest] = [...(query.words ?? [])].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const filter: Record<string, unknown> = first === undefined ? {} : { words: { $eq: first } };
  return withScope(
    filter,
    query,
    scope,
    rest.map((word) => ({ words: { $eq: word } })),
  ) as Filter<WordsDocument>;
}

function withScope(filter: Record<string, unknown>, query: NormalizedQuery, scope: FilterScope, and: object[] = []): Record<string, unknown> {
  const created: { $gte?: number; $lt?: number } = {};
  if (query.createdFrom !== undefined) created.$gte = query.createdFrom;
  const before = Math.min(query.createdTo ?? Infinity, scope.below ?? Infinity);
  if (before !== Infinity) created.$lt = before;
  if (Object.keys(created).length) and.push({ createdAt: created });
  const { after } = scope;
  if (after) and.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: { $eq: after.createdAt }, _id: { $lt: after.recordId } }] });
  if (scope.bucket !== undefined) filter.tb = { $eq: scope.bucket };
  if (and.length) filter.$and = and;
  return filter;
}

/** Whether a query names one customer, device or ticket: few matches, whatever the collection's size. */
export function hasKey(query: NormalizedQuery): boolean {
  return Object.keys(query.keys).length > 0;
}

/** Whether a query filters beyond its words (on fields of the ticket document). */
export function hasTicketFilters(query: NormalizedQuery): boolean {
  return hasKey(query) || query.ticketStatus !== undefined || query.syncStatus !== undefined || query.category !== undefined;
}
