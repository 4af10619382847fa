import type { StoredTicketView, TicketView } from './ticket-view';

export type TicketSearchFilter = Partial<Record<'uuid' | 'udid' | 'email' | 'phone' | 'ticketId' | 'zendeskTicketId', string>>;

export type Page = { offset: number; limit: number };

export type SearchResult = { items: TicketView[]; total: number };

/**
 * Admin search's views of tickets (see ticket-view.ts), each with the stream
 * revision it reflects. Writes are upserts guarded by that revision, so replays
 * and redeliveries never move a document backwards.
 */
export interface TicketReadModel {
  get(recordId: string): Promise<StoredTicketView | null>;
  /** Stores the view unless one with the same or a newer revision is there; true when written. */
  upsert(stored: StoredTicketView): Promise<boolean>;
  /** AND of the given fields; newest first (creation date, then record id); paged. */
  search(filter: TicketSearchFilter, page: Page): Promise<SearchResult>;
  close(): Promise<void>;
}

/**
 * Search is forgiving where people are: emails, ids and udids match whatever
 * their case, phones match on digits only ("+44 20-7946 0000" = "+442079460000").
 */
export function searchKeys(view: TicketView): Required<TicketSearchFilter> {
  return {
    uuid: normalize('uuid', view.uuid)!,
    udid: normalize('udid', view.udid)!,
    email: normalize('email', view.email)!,
    phone: normalize('phone', view.phone ?? '') ?? '',
    ticketId: normalize('ticketId', view.ticketId)!,
    zendeskTicketId: view.sync.status === 'SYNCED' ? normalize('zendeskTicketId', view.sync.zendeskTicketId)! : '',
  };
}

export function normalize(field: keyof TicketSearchFilter, value: string): string | undefined {
  const v = field === 'phone' ? value.replace(/\D/g, '') : value.trim().toLowerCase();
  return v === '' ? undefined : v;
}

export function normalizeFilter(filter: TicketSearchFilter): TicketSearchFilter {
  const out: TicketSearchFilter = {};
  for (const [field, value] of Object.entries(filter) as [keyof TicketSearchFilter, string | undefined][]) {
    if (value === undefined) continue;
    // A phone filter with no digits can match nothing; keep it so the AND stays honest.
    // (Not "\u0000": PostgreSQL-backed servers refuse NUL in JSON. Phone keys are digits only.)
    out[field] = normalize(field, value) ?? '#no-digits';
  }
  return out;
}
