import type { TicketEvent, TicketRequested } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** A customer asks for support: opens the ticket. Ids and time are given, never made here. */
export type RequestTicket = {
  type: 'RequestTicket';
  data: Omit<TicketRequested['data'], 'requestedAt'> & { now: number };
};

export function requestTicket({ data }: RequestTicket, state: Ticket): TicketEvent[] {
  if (state.status !== 'none') throw new DomainError('TICKET.ALREADY_EXISTS', `Ticket ${data.ticketId} already exists`);
  const { now, ...fields } = data;
  return [{ type: 'TicketRequested', data: { ...fields, requestedAt: now } }];
}
