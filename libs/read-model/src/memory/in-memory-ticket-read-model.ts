import { normalizeFilter, searchKeys, type Page, type SearchResult, type TicketReadModel, type TicketSearchFilter } from '../ticket-read-model.port';
import type { StoredTicketView } from '../ticket-view';

/** For unit tests and as the simplest reference of the port's behaviour. */
export class InMemoryTicketReadModel implements TicketReadModel {
  private readonly views = new Map<string, StoredTicketView>();

  async get(recordId: string): Promise<StoredTicketView | null> {
    const stored = this.views.get(recordId);
    return stored ? structuredClone(stored) : null;
  }

  async upsert(stored: StoredTicketView): Promise<boolean> {
    const current = this.views.get(stored.view.recordId);
    if (current && current.revision >= stored.revision) return false;
    this.views.set(stored.view.recordId, structuredClone(stored));
    return true;
  }

  async search(filter: TicketSearchFilter, page: Page): Promise<SearchResult> {
    const wanted = Object.entries(normalizeFilter(filter)) as [keyof TicketSearchFilter, string][];
    const matches = [...this.views.values()]
      .map((s) => s.view)
      .filter((v) => {
        const keys = searchKeys(v);
        return wanted.every(([field, value]) => keys[field] === value);
      })
      .sort((a, b) => b.requestedAt - a.requestedAt || (a.recordId < b.recordId ? 1 : -1));
    return { items: structuredClone(matches.slice(page.offset, page.offset + page.limit)), total: matches.length };
  }

  async close(): Promise<void> {}
}
