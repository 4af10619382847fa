import type { BusMessage, BusSubscription, EventBus } from '@support-desk/event-bus';
import type { TicketReadModel } from '@support-desk/read-model';
import { evolve, initialTicket, toTicketEvent } from '@support-desk/ticket-domain';

export const QUERY_SERVICE_GROUP = 'query-service';

type Log = { warn(obj: object, msg: string): void };

/**
 * Folds each ticket event into the read model. Idempotent: an event at or below
 * the stored revision is a redelivery and changes nothing.
 */
export async function projectTicketEvent(readModel: TicketReadModel, { event }: BusMessage, log?: Log): Promise<void> {
  const ticketEvent = toTicketEvent(event);
  if (!ticketEvent) return;
  const current = await readModel.get(ticketEvent.data.recordId);
  if (current && current.revision >= event.revision) return;
  if (!current && ticketEvent.type !== 'TicketRequested') {
    // Per-key ordering makes this a lost TicketRequested; retrying lets it arrive first.
    throw new Error(`No projected ticket ${ticketEvent.data.recordId} for ${event.type} at revision ${event.revision}`);
  }
  if (current && event.revision !== current.revision + 1) {
    log?.warn({ recordId: ticketEvent.data.recordId, stored: current.revision, got: event.revision }, 'revision gap in projection');
  }
  const next = evolve(current?.ticket ?? initialTicket(), ticketEvent);
  if (next.status === 'open') await readModel.upsert({ ticket: next, revision: event.revision });
}

export function startTicketProjection(bus: EventBus, readModel: TicketReadModel, log?: Log): Promise<BusSubscription> {
  return bus.subscribe(QUERY_SERVICE_GROUP, (message) => projectTicketEvent(readModel, message, log));
}
