import { ERASED } from '@support-desk/contracts';
import { textWords } from './search-text';
import type { StoredTicketView, TicketView } from './ticket-view';

/** The seed's six search fields: each names one customer, device or ticket. */
export const SEARCH_KEY_FIELDS = ['uuid', 'udid', 'email', 'phone', 'ticketId', 'zendeskTicketId'] as const;
export type SearchKeyField = (typeof SEARCH_KEY_FIELDS)[number];
export type TicketSearchFilter = Partial<Record<SearchKeyField, string>>;

export const SYNC_STATUSES = ['PENDING', 'SYNCED', 'FAILED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Everything admin search can ask for, combined with AND. */
export type TicketSearchQuery = TicketSearchFilter & {
  /** Free text: every word must be a word of the subject or the message (see search-text.ts). */
  q?: string;
  /** Zendesk's status as the record shows it (CREATED until Zendesk reports one); any case. */
  ticketStatus?: string;
  syncStatus?: SyncStatus;
  /** Any case. */
  category?: string;
  /** Creation date, epoch ms, inclusive. */
  createdFrom?: number;
  /** Creation date, epoch ms, exclusive. */
  createdTo?: number;
};

/** The ticket a keyset page follows: its creation date and record id. */
export type SortKey = { createdAt: number; recordId: string };

/**
 * Which page: by offset (`page`/`pageSize`), or after a ticket of the previous
 * page (keyset paging: the cost of a page does not grow with its depth).
 */
export type Page = { limit: number; offset: number } | { limit: number; after: SortKey };

export type SearchResult = {
  items: TicketView[];
  /**
   * Every match. Given on offset pages by adapters that can count without a scan
   * (each adapter says when); never on keyset pages.
   */
  total?: number;
  /** More matches follow this page. */
  hasMore: boolean;
};

/**
 * Admin search's views of tickets (see ticket-view.ts), each with the stream
 * revision it reflects. Writes are upserts guarded by that revision, so replays
 * and redeliveries never move a document backwards.
 */
export interface TicketReadModel {
  get(recordId: string): Promise<StoredTicketView | null>;
  /** Stores the view unless one with the same or a newer revision is there; true when written. */
  upsert(stored: StoredTicketView): Promise<boolean>;
  /**
   * Optional: `upsert` of each view, in one write (SQLite: one transaction, all or
   * nothing). The projection hands it a batch of events' views, and the bus moves
   * on only after it resolved. At most one view per record.
   */
  upsertMany?(batch: readonly StoredTicketView[]): Promise<void>;
  /**
   * AND of the given fields, newest first by creation date; paged. Tickets
   * created in the same millisecond come in an order of the adapter's (memory
   * and MongoDB: record id descending; SQLite: as stored), the same on every page.
   */
  search(query: TicketSearchQuery, page: Page): Promise<SearchResult>;
  /**
   * Erases a subject (issue 15): every view of that uuid keeps its ids, dates,
   * statuses, sync state and category, and gets every personal field and its
   * uuid ERASED (lists empty, see ticket-view-erasure.ts); its words leave the
   * free-text index and its values the search keys. Later writes of that
   * subject's views (events decrypted before its key was deleted, a rebuild
   * running meanwhile) are anonymised as they are stored. Idempotent; returns
   * how many views it changed.
   */
  eraseSubject(uuid: string): Promise<number>;
  /** A fresh, empty copy that becomes this read model when swapped in (see TicketReadModelRebuild). */
  beginRebuild(): Promise<TicketReadModelRebuild>;
  close(): Promise<void>;
}

/**
 * A read model being rebuilt: written in bulk while the live one keeps serving,
 * then swapped in at once. Nothing of it is visible to searches before the swap.
 */
export interface TicketReadModelRebuild {
  /** The view stored in the new copy, if any (a ticket whose fold left memory). */
  get(recordId: string): Promise<StoredTicketView | null>;
  /**
   * Writes views into the new copy. `isNew`: the copy has no view of that record
   * yet (a plain insert, the fast path); otherwise it replaces an older revision.
   */
  write(batch: readonly { stored: StoredTicketView; isNew: boolean }[]): Promise<void>;
  /**
   * Makes the new copy the live read model. `lastCatchUp` applies, with the
   * copy's `upsert`, every event not yet applied; it runs at least once before
   * the copy goes live, and may run again after (each time: what is new since the
   * last). So nothing the old copy received meanwhile is lost. How each adapter
   * holds writers off meantime is its own (SQLite: its write lock; MongoDB: a
   * second catch-up once every reader switched).
   */
  swap(lastCatchUp: (upsert: (stored: StoredTicketView) => Promise<boolean>) => Promise<void>): Promise<void>;
  /** Drops the new copy (a failed or interrupted rebuild); the live read model is untouched. */
  discard(): Promise<void>;
}

/** A ticket's values for every search field, normalized (see normalizeQuery). */
export type SearchKeys = Required<TicketSearchFilter> & { ticketStatus: string; syncStatus: SyncStatus; category: string };

/**
 * Search is forgiving where people are: emails, ids and udids match whatever
 * their case, phones match on digits only ("+44 20-7946 0000" = "+442079460000").
 */
export function searchKeys(view: TicketView): SearchKeys {
  // '' for no value (an ERASED one included): no query ever normalizes to '' (see normalizeFilter).
  return {
    uuid: normalize('uuid', view.uuid) ?? '',
    udid: normalize('udid', view.udid) ?? '',
    email: normalize('email', view.email) ?? '',
    phone: normalize('phone', view.phone ?? '') ?? '',
    ticketId: normalize('ticketId', view.ticketId) ?? '',
    zendeskTicketId: view.sync.status === 'SYNCED' ? (normalize('zendeskTicketId', view.sync.zendeskTicketId) ?? '') : '',
    ticketStatus: lower(view.ticketStatus),
    syncStatus: view.sync.status,
    category: lower(view.category),
  };
}

export function sortKeyOf(view: TicketView): SortKey {
  return { createdAt: view.requestedAt, recordId: view.recordId };
}

/** Negative when `a` comes first in the newest-first order. */
export function compareNewestFirst(a: SortKey, b: SortKey): number {
  return b.createdAt - a.createdAt || (a.recordId < b.recordId ? 1 : a.recordId > b.recordId ? -1 : 0);
}

/** undefined for no value: an empty one, or ERASED (an erased field is no value: it never matches, see ERASED). */
export function normalize(field: SearchKeyField, value: string): string | undefined {
  if (lower(value) === ERASED) return undefined;
  const v = field === 'phone' ? value.replace(/\D/g, '') : lower(value);
  return v === '' ? undefined : v;
}

const lower = (value: string) => value.trim().toLowerCase();

export function normalizeFilter(filter: TicketSearchFilter): TicketSearchFilter {
  const out: TicketSearchFilter = {};
  for (const field of SEARCH_KEY_FIELDS) {
    const value = filter[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new TypeError(`search filter ${field} must be a string`);
    // A phone filter with no digits (or any filter on ERASED) can match nothing; keep it so the AND stays honest.
    // (Not "\u0000": PostgreSQL-backed servers refuse NUL in JSON. Phone keys are digits only.)
    out[field] = normalize(field, value) ?? '#no-digits';
  }
  return out;
}

/** A query as every adapter applies it: values normalized like searchKeys, text split into words. */
export type NormalizedQuery = {
  keys: TicketSearchFilter;
  ticketStatus?: string;
  syncStatus?: SyncStatus;
  category?: string;
  /** Words of `q`; absent when no `q`. */
  words?: string[];
  createdFrom?: number;
  createdTo?: number;
  /** Nothing can match (a `q` without a word, an empty date range): adapters answer at once. */
  matchesNothing: boolean;
};

export function normalizeQuery(query: TicketSearchQuery): NormalizedQuery {
  const out: NormalizedQuery = { keys: normalizeFilter(query), matchesNothing: false };
  const text = (field: 'q' | 'ticketStatus' | 'category') => {
    const value: unknown = query[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new TypeError(`search filter ${field} must be a string`);
    return value;
  };
  const status = text('ticketStatus');
  if (status !== undefined) out.ticketStatus = lower(status);
  const category = text('category');
  if (category !== undefined) out.category = lower(category);
  if (query.syncStatus !== undefined) {
    if (!SYNC_STATUSES.includes(query.syncStatus)) throw new TypeError(`syncStatus must be one of ${SYNC_STATUSES.join(', ')}`);
    out.syncStatus = query.syncStatus;
  }
  const q = text('q');
  if (q !== undefined) {
    out.words = [...new Set(textWords(q))];
    if (out.words.length === 0) out.matchesNothing = true;
  }
  for (const field of ['createdFrom', 'createdTo'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (!Number.isFinite(value)) throw new TypeError(`${field} must be a finite number (epoch ms)`);
    out[field] = value;
  }
  if (out.createdFrom !== undefined && out.createdTo !== undefined && out.createdFrom >= out.createdTo) out.matchesNothing = true;
  return out;
}

/** Whether a view matches a normalized query: the reference semantics every adapter must show. */
export function viewMatches(view: TicketView, query: NormalizedQuery, words: ReadonlySet<string>): boolean {
  if (query.matchesNothing) return false;
  const keys = searchKeys(view);
  for (const [field, value] of Object.entries(query.keys) as [SearchKeyField, string][]) if (keys[field] !== value) return false;
  if (query.ticketStatus !== undefined && keys.ticketStatus !== query.ticketStatus) return false;
  if (query.syncStatus !== undefined && keys.syncStatus !== query.syncStatus) return false;
  if (query.category !== undefined && keys.category !== query.category) return false;
  if (query.createdFrom !== undefined && view.requestedAt < query.createdFrom) return false;
  if (query.createdTo !== undefined && view.requestedAt >= query.createdTo) return false;
  return (query.words ?? []).every((w) => words.has(w));
}
