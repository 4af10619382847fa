import { AppError } from '@support-desk/service-kit';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { recordIdForTicket, type OpenTicket } from '@support-desk/ticket-domain';
import type { RecordedEvent } from '@support-desk/event-store';

/** What the admin ticket routes read: a ticket's stream, straight from the event store (the truth, no projection lag). */
export type TicketStreamReader = Pick<TicketCommandHandler, 'load'>;

/** The ticket and its recorded events, or the TICKET.NOT_FOUND 404 when no ticket has that id. */
export async function loadTicketOr404(tickets: TicketStreamReader, ticketId: string): Promise<{ ticket: OpenTicket; recorded: RecordedEvent[] }> {
  const { ticket, recorded } = await tickets.load(recordIdForTicket(ticketId));
  if (ticket.status !== 'open') throw new AppError(404, 'TICKET.NOT_FOUND', `No ticket with id ${ticketId}`);
  return { ticket, recorded };
}
