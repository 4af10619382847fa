import { ticketWords } from '../search-text';
import {
  compareNewestFirst,
  normalize,
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
import { anonymiseView, erasedSubjectMarker, guardErased, isErasedView } from '../ticket-view-erasure';

/** For unit tests and as the simplest reference of the port's behaviour: every search scans. */
export class InMemoryTicketReadModel implements TicketReadModel {
  private views = new Map<string, StoredTicketView>();
  /** Erased subjects (erasedSubjectMarker): their views are anonymised whenever written. */
  private readonly erased = new Set<string>();

  async get(recordId: string): Promise<StoredTicketView | null> {
    const stored = this.views.get(recordId);
    return stored ? structuredClone(stored) : null;
  }

  async upsert(stored: StoredTicketView): Promise<boolean> {
    return upsertInto(this.views, this.guard(stored));
  }

  async eraseSubject(uuid: string): Promise<number> {
    this.erased.add(erasedSubjectMarker(uuid));
    return eraseIn(this.views, uuid);
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
        for (const { stored } of batch) upsertInto(copy, this.guard(stored));
      },
      swap: async (lastCatchUp) => {
        await lastCatchUp(async (stored) => upsertInto(copy, this.guard(stored)));
        // Subjects erased while the copy was filled: their views may have gone in before.
        for (const [recordId, stored] of copy) copy.set(recordId, this.guard(stored));
        this.views = copy;
      },
      discard: async () => copy.clear(),
    };
  }

  async close(): Promise<void> {}

  private guard(stored: StoredTicketView): StoredTicketView {
    return { ...stored, view: guardErased(stored.view, this.erased.has(erasedSubjectMarker(stored.view.uuid))) };
  }
}

function eraseIn(views: Map<string, StoredTicketView>, uuid: string): number {
  const key = normalize('uuid', uuid);
  let changed = 0;
  for (const [recordId, stored] of views) {
    if (key === undefined || isErasedView(stored.view) || normalize('uuid', stored.view.uuid) !== key) continue;
    views.set(recordId, { ...stored, view: anonymiseView(stored.view) });
    changed++;
  }
  return changed;
}

function upsertInto(views: Map<string, StoredTicketView>, stored: StoredTicketView): boolean {
  const current = views.get(stored.view.recordId);
  if (current && current.revision >= stored.revision) return false;
  views.set(stored.view.recordId, structuredClone(stored));
  return true;
}
