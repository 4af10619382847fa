import { normalizeFilter, searchKeys, type Page, type SearchResult, type TicketReadModel, type TicketSearchFilter, type TicketView } from '../ticket-read-model.port';

/** For unit tests and as the simplest reference of the port's behaviour. */
export class InMemoryTicketReadModel implements TicketReadModel {
  private readonly views = new Map<string, TicketView>();

  async get(recordId: string): Promise<TicketView | null> {
    const view = this.views.get(recordId);
    return view ? structuredClone(view) : null;
  }

  async upsert(view: TicketView): Promise<boolean> {
    const current = this.views.get(view.ticket.recordId);
    if (current && current.revision >= view.revision) return false;
    this.views.set(view.ticket.recordId, structuredClone(view));
    return true;
  }

  async search(filter: TicketSearchFilter, page: Page): Promise<SearchResult> {
    const wanted = Object.entries(normalizeFilter(filter)) as [keyof TicketSearchFilter, string][];
    const matches = [...this.views.values()]
      .map((v) => v.ticket)
      .filter((t) => {
        const keys = searchKeys(t);
        return wanted.every(([field, value]) => keys[field] === value);
      })
      .sort((a, b) => b.requestedAt - a.requestedAt || (a.recordId < b.recordId ? 1 : -1));
    return { items: structuredClone(matches.slice(page.offset, page.offset + page.limit)), total: matches.length };
  }

  async close(): Promise<void> {}
}
