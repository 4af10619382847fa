import type { RecordedEvent } from '@support-desk/event-store';
import type { StoredTicketView, TicketReadModelRebuild } from '@support-desk/read-model';
import { toTicketEvent } from '@support-desk/ticket-domain';
import { evolveTicketView } from '../ticket-view.evolve';

/** `writing`: in the batch being written; kept in memory until it is committed, so reading it back never misses. */
type Entry = { stored: StoredTicketView; isNew: boolean; dirty: boolean; writing?: boolean };

export type FolderCounts = { tickets: number; orphans: number; duplicates: number };

/**
 * Folds ticket events into views for a rebuild, the same fold as the live
 * projection (ticket-view.evolve.ts). Views stay in memory in the order they
 * were last touched. In bulk mode the least recently touched changed views are
 * written, a batch at a time, once more than `batchSize` wait beyond the
 * `batchSize` most recent ones: a ticket's events mostly come close together
 * (a sync, an upload, a status change), and a view written before its next
 * event would be written twice. A view whose later event comes after it left
 * memory is read back from the copy. In live mode (the swap's last catch-up)
 * every view is upserted at once.
 *
 * One batch is written while the next is folded: a write returns a promise the
 * fold does not wait for until the next flush (an adapter that writes elsewhere,
 * a server or a SQLite worker thread, then works beside the fold). Its views stay
 * in memory until it has committed.
 */
export class RebuildFolder {
  private readonly views = new Map<string, Entry>();
  private dirty = 0;
  private inFlight: { entries: Entry[]; done: Promise<void> } | undefined;
  private upsert: ((stored: StoredTicketView) => Promise<boolean>) | undefined;
  readonly counts: FolderCounts = { tickets: 0, orphans: 0, duplicates: 0 };

  constructor(
    private readonly copy: TicketReadModelRebuild,
    private readonly batchSize: number,
    private readonly cacheSize: number,
  ) {}

  async apply(event: RecordedEvent): Promise<void> {
    const ticketEvent = toTicketEvent(event);
    if (!ticketEvent) return;
    const { recordId } = ticketEvent.data;
    let entry = this.views.get(recordId);
    if (!entry && event.revision > 0) {
      const stored = await this.copy.get(recordId);
      if (stored) entry = { stored, isNew: false, dirty: false };
    }
    if (entry && entry.stored.revision >= event.revision) {
      this.counts.duplicates++;
      return;
    }
    const view = evolveTicketView(entry?.stored.view ?? null, ticketEvent);
    if (!view) {
      // An event whose TicketRequested the store does not hold: nothing to show, as live.
      this.counts.orphans++;
      return;
    }
    if (!entry) this.counts.tickets++;
    const stored = { view, revision: event.revision };
    if (this.upsert) {
      await this.upsert(stored);
      this.remember(recordId, { stored, isNew: false, dirty: false });
      return;
    }
    if (!entry?.dirty) this.dirty++;
    this.remember(recordId, { stored, isNew: entry ? entry.isNew : true, dirty: true });
    if (this.dirty >= 2 * this.batchSize) await this.flush(this.batchSize);
  }

  /**
   * Writes the least recently touched changed views, `limit` of them (all by default), in one batch,
   * after the batch before it has been committed. Resolves once the new batch is under way; `settle`
   * waits for it.
   */
  async flush(limit = Infinity): Promise<void> {
    while (this.inFlight) await this.settle(); // one batch in flight at a time, however many flush at once
    const written: Entry[] = [];
    for (const entry of this.views.values()) {
      if (written.length >= limit) break;
      if (entry.dirty) written.push(entry);
    }
    if (written.length === 0) return;
    const batch = written.map((e) => ({ stored: e.stored, isNew: e.isNew }));
    for (const entry of written) Object.assign(entry, { dirty: false, isNew: false, writing: true });
    this.dirty -= written.length;
    this.inFlight = { entries: written, done: this.copy.write(batch) };
    // Awaited by the next settle; until then a failure must not count as unhandled.
    this.inFlight.done.catch(() => undefined);
  }

  /** Writes every changed view and waits until it is committed. */
  async drain(): Promise<void> {
    await this.flush();
    await this.settle();
  }

  /** Waits until the batch being written is committed (rejects if it failed), then forgets what may go. */
  async settle(): Promise<void> {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.inFlight = undefined;
    try {
      await inFlight.done;
    } finally {
      for (const entry of inFlight.entries) entry.writing = false;
    }
    this.evict();
  }

  /** From now on each view is upserted as it is folded (the copy is about to be, or is, live). */
  async goLive(upsert: (stored: StoredTicketView) => Promise<boolean>): Promise<void> {
    await this.drain();
    this.upsert = upsert;
  }

  private remember(recordId: string, entry: Entry): void {
    // Re-inserting moves the key to the end of the Map's order (most recently touched).
    this.views.delete(recordId);
    this.views.set(recordId, entry);
    if (this.views.size > this.cacheSize + 2 * this.batchSize) this.evict();
  }

  /** Forgets the least recently touched written (and committed) views beyond the cache size. */
  private evict(): void {
    for (const [recordId, entry] of this.views) {
      if (this.views.size <= this.cacheSize) return;
      if (!entry.dirty && !entry.writing) this.views.delete(recordId);
    }
  }
}
