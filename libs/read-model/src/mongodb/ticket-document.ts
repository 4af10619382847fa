import type { Filter, IndexDescription } from 'mongodb';
import { normalizeFilter, searchKeys, type TicketSearchFilter } from '../ticket-read-model.port';
import type { StoredTicketView, TicketView } from '../ticket-view';
import type { TicketDocumentV0 } from '../ticket-view.v0';

/**
 * One ticket per document: `_id` is the record id, the normalized search keys sit
 * in top-level fields (top-level rather than nested: simplest for FerretDB's
 * indexes), and the view is kept whole in `doc` with its shape version
 * (`doc.schemaVersion`), read back by readStoredView. Documents written before
 * views were versioned hold the v0 shape there.
 */
export type TicketDocument = Required<TicketSearchFilter> & {
  _id: string;
  revision: number;
  createdAt: number;
  doc: TicketView | TicketDocumentV0;
};

// Field names are fixed here, never taken from input: a filter only ever supplies values.
const KEY_FIELDS: Record<keyof TicketSearchFilter, keyof TicketDocument> = {
  uuid: 'uuid',
  udid: 'udid',
  email: 'email',
  phone: 'phone',
  ticketId: 'ticketId',
  zendeskTicketId: 'zendeskTicketId',
};

/** Newest first; `_id` breaks ties so paging is stable. */
export const SORT = { createdAt: -1, _id: -1 } as const;

/** One index per search field, each ending in the sort so a page needs no in-memory sort. */
export const INDEXES: IndexDescription[] = [
  { key: { createdAt: -1, _id: -1 }, name: 'created' },
  ...Object.entries(KEY_FIELDS).map(([field, path]) => ({ key: { [path]: 1, createdAt: -1, _id: -1 }, name: `by_${field}` })),
];

export function toDocumentFields({ view, revision }: StoredTicketView): Omit<TicketDocument, '_id'> {
  return { ...searchKeys(view), revision, createdAt: view.requestedAt, doc: view };
}

/**
 * Equality on fixed paths with `$eq`, and only for string values: a client
 * object such as `{"$ne": ""}` can never become an operator.
 */
export function toQuery(filter: TicketSearchFilter): Filter<TicketDocument> {
  const query: Record<string, { $eq: string }> = {};
  for (const [field, value] of Object.entries(normalizeFilter(onlyStrings(filter))) as [keyof TicketSearchFilter, string][]) {
    query[KEY_FIELDS[field]] = { $eq: value };
  }
  return query as Filter<TicketDocument>;
}

function onlyStrings(filter: TicketSearchFilter): TicketSearchFilter {
  const out: TicketSearchFilter = {};
  for (const field of Object.keys(KEY_FIELDS) as (keyof TicketSearchFilter)[]) {
    const value: unknown = filter[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new TypeError(`search filter ${field} must be a string`);
    out[field] = value;
  }
  return out;
}
