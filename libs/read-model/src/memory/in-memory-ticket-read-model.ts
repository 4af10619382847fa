import { ticketWords } from '../search-text';
import {
  compareNewestFirst,
  normalizeQuery,
  sortKeyOf,
  viewMatches,
  type Page,
  type SearchResult,
  type TicketReadModel,
  type TicketReadModelRebuild,
  type TicketSearchQuery,
} from '../ticket-read-model.port';
import type { StoredTicketView } from '../ticket-view';

/** For unit tests and as the simplest reference of the port's behaviour: every search scans. */
export class InMemoryTicketReadModel implements TicketReadModel {
  private views = new Map<string, StoredTicketView>();

  async get(recordId: string): Promise<StoredTicketView | null> {
    const stored = this.views.get(recordId);
    return stored ? structuredClone(stored) : null;
  }

  async upsert(stored: StoredTicketView): Promise<boolean> {
    return upsertInto(this.views, stored);
  }

  async search(query: TicketSearchQuery, page: Page): Promise<SearchResult> {
    const wanted = normalizeQuery(query);
    const matches = [...this.views.values()]
      .map((s) => s.view)
      .filter((v) => viewMatches(v, wanted, new Set(ticketWords(v.subject, v.message))))
      .sort((a, b) => compareNewestFirst(sortKeyOf(a), sortKeyOf(b)));
    if ('after' in page) {
      const rest = matches.filter((v) => compareNewestFirst(sortKeyOf(v), page.after) > 0);
      return { items: structuredClone(rest.slice(0, page.limit)), hasMore: rest.length > page.limit };
    }
    const end = page.offset + page.limit;
    return { items: structuredClone(matches.slice(page.offset, end)), total: matches.length, hasMore: matches.length > end };
  }

  async beginRebuild(): Promise<TicketReadModelRebuild> {
    const copy = new Map<string, StoredTicketView>();
    return {
      get: async (recordId) => structuredClone(copy.get(recordId) ?? null),
      write: async (batch) => {
        for (const { stored } of batch) upsertInto(copy, stored);
      },
      swap: async (lastCatchUp) => {
        await lastCatchUp(async (stored) => upsertInto(copy, stored));
        this.views = copy;
      },
      discard: async () => copy.clear(),
    };
  }

  async close(): Promise<void> {}
}

function upsertInto(views: Map<string, StoredTicketView>, stored: StoredTicketView): boolean {
  const current = views.get(stored.view.recordId);
  if (current && current.revision >= stored.revision) return false;
  views.set(stored.view.recordId, structuredClone(stored));
  return true;
}
