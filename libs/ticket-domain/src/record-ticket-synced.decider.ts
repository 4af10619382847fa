import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** Zendesk created (or already had) the ticket. */
export type RecordTicketSynced = {
  type: 'RecordTicketSynced';
  data: { recordId: string; zendeskTicketId: string; now: number };
};

export function recordTicketSynced({ data }: RecordTicketSynced, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  // Idempotent: a redelivered sync result for the same Zendesk ticket adds nothing.
  if (state.sync.status === 'SYNCED' && state.sync.zendeskTicketId === data.zendeskTicketId) return [];
  if (state.sync.status === 'SYNCED') {
    throw new DomainError('TICKET.ALREADY_SYNCED', `Ticket ${state.ticketId} is already Zendesk ticket ${state.sync.zendeskTicketId}`);
  }
  return [
    {
      type: 'TicketSynced',
      data: { recordId: data.recordId, ticketId: state.ticketId, zendeskTicketId: data.zendeskTicketId, syncedAt: data.now },
    },
  ];
}
