import type { BusMessage, BusSubscription, EventBus } from '@support-desk/event-bus';
import type { StoredTicketView, TicketReadModel } from '@support-desk/read-model';
import type { TicketEvent } from '@support-desk/contracts';
import { toTicketEvent } from '@support-desk/ticket-domain';
import { throughReadModelOutage, type OutageOptions } from './read-model-outage';
import { RecentViews } from './recent-views';
import { evolveTicketView } from './ticket-view.evolve';

export const QUERY_SERVICE_GROUP = 'query-service';

type Log = { warn(obj: object, msg: string): void };

export type TicketProjectionOptions = {
  log?: Log;
  /** Views kept in memory so the next event of a ticket needs no read (0 turns it off). */
  recentViews?: number;
  /** Observes each read-model write, in seconds (a metric). */
  onWrite?: (seconds: number) => void;
  /** How a read-model outage is waited out (read-model-outage.ts). */
  outage?: Omit<OutageOptions, 'log'>;
};

/**
 * Folds each ticket event into admin search's view (ticket-view.evolve.ts) in the read model. Idempotent: an event at or below
 * the stored revision is a redelivery and changes nothing (the read model's
 * guarded upsert refuses it).
 *
 * One write per event in the common case, no read: a stream's first event has no
 * state before it, and the view this process folded last is reused when the next
 * event follows it directly. Reusing it is safe even if another consumer wrote
 * since: events are immutable and `evolve` is pure, so the view at revision r is
 * the same wherever it was computed, and the guarded upsert drops a write that a
 * newer stored revision already covers.
 */
export class TicketSearchProjection {
  private readonly recent: RecentViews;

  constructor(
    private readonly readModel: TicketReadModel,
    private readonly options: TicketProjectionOptions = {},
  ) {
    this.recent = new RecentViews(options.recentViews ?? 10_000);
  }

  async project({ event }: BusMessage): Promise<void> {
    const ticketEvent = toTicketEvent(event);
    if (!ticketEvent) return;
    const { recordId } = ticketEvent.data;
    const stored = this.fold(await this.stateBefore(recordId, event.revision), ticketEvent, event);
    if (!stored) return;
    const started = performance.now();
    await throughReadModelOutage('write', () => this.readModel.upsert(stored), this.outage);
    this.options.onWrite?.((performance.now() - started) / 1000);
    // Remembered only once stored (or refused as older than what is stored): a failed
    // write is retried by the bus and must not look done.
    this.recent.remember(recordId, stored);
  }

  /**
   * Several events, one read-model write (SQLite: one transaction) when the read
   * model takes batches. Same fold as `project`, each event folded on the view
   * the batch made so far; only each ticket's last view is written. Nothing is
   * remembered before the write commits, so a failed batch leaves only what a
   * redelivery repairs: the bus then handles its events one by one. (Read models
   * without `upsertMany` get the events one by one at once.)
   */
  async projectBatch(messages: readonly BusMessage[]): Promise<void> {
    const upsertMany = this.readModel.upsertMany?.bind(this.readModel);
    if (!upsertMany) {
      for (const message of messages) await this.project(message);
      return;
    }
    const folded = new Map<string, StoredTicketView>();
    for (const { event } of messages) {
      const ticketEvent = toTicketEvent(event);
      if (!ticketEvent) continue;
      const { recordId } = ticketEvent.data;
      const current = folded.get(recordId) ?? (await this.stateBefore(recordId, event.revision));
      const stored = this.fold(current, ticketEvent, event);
      if (stored) folded.set(recordId, stored);
    }
    if (folded.size === 0) return;
    const views = [...folded.values()];
    const started = performance.now();
    await throughReadModelOutage('write', () => upsertMany(views), this.outage);
    this.options.onWrite?.((performance.now() - started) / 1000);
    for (const stored of views) this.recent.remember(stored.view.recordId, stored);
  }

  private async stateBefore(recordId: string, revision: number): Promise<StoredTicketView | null> {
    // Revision 0 opens the stream: there is no state before it. (A redelivered
    // first event is refused by the guarded upsert, as the stored one is not older.)
    if (revision === 0) return null;
    const recent = this.recent.get(recordId);
    if (recent && recent.revision === revision - 1) return recent;
    return throughReadModelOutage('read', () => this.readModel.get(recordId), this.outage);
  }

  /** The view after `event`, or null when it changes nothing (a redelivery, an event search does not show). */
  private fold(current: StoredTicketView | null, ticketEvent: TicketEvent, event: BusMessage['event']): StoredTicketView | null {
    const { recordId } = ticketEvent.data;
    if (current && current.revision >= event.revision) return null;
    if (!current && ticketEvent.type !== 'TicketRequested') {
      // Per-key ordering makes this a lost TicketRequested; retrying lets it arrive first.
      throw new Error(`No projected ticket ${recordId} for ${event.type} at revision ${event.revision}`);
    }
    if (current && event.revision !== current.revision + 1) {
      this.options.log?.warn({ recordId, stored: current.revision, got: event.revision }, 'revision gap in projection');
    }
    const view = evolveTicketView(current?.view ?? null, ticketEvent);
    return view ? { view, revision: event.revision } : null;
  }

  private get outage(): OutageOptions {
    return { ...this.options.outage, log: this.options.log };
  }
}

/** Stateless form, for tests and one-off replays. */
export function projectTicketEvent(readModel: TicketReadModel, message: BusMessage, log?: Log): Promise<void> {
  return new TicketSearchProjection(readModel, { log, recentViews: 0 }).project(message);
}

export function startTicketProjection(
  bus: EventBus,
  readModel: TicketReadModel,
  log?: Log,
  options: Omit<TicketProjectionOptions, 'log'> = {},
): Promise<BusSubscription> {
  const projection = new TicketSearchProjection(readModel, { ...options, log });
  return bus.subscribe(QUERY_SERVICE_GROUP, (message) => projection.project(message), {
    handleBatch: (messages) => projection.projectBatch(messages),
  });
}
