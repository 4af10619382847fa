import type { StoredTicketView } from '@support-desk/read-model';

/**
 * The last views this process folded, by record id, least recently used first
 * out. Bounded so memory stays flat however many tickets pass through.
 */
export class RecentViews {
  private readonly views = new Map<string, StoredTicketView>();

  constructor(private readonly capacity: number) {}

  get(recordId: string): StoredTicketView | undefined {
    return this.views.get(recordId);
  }

  remember(recordId: string, view: StoredTicketView): void {
    if (this.capacity <= 0) return;
    // Re-inserting moves the key to the end of the Map's order (most recent).
    this.views.delete(recordId);
    this.views.set(recordId, view);
    if (this.views.size > this.capacity) this.views.delete(this.views.keys().next().value!);
  }

  get size(): number {
    return this.views.size;
  }
}
