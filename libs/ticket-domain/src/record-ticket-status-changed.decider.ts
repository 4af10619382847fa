import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** From Zendesk's webhook; `changedAt` is Zendesk's time of the change, so late deliveries can be told apart. */
export type RecordTicketStatusChanged = {
  type: 'RecordTicketStatusChanged';
  data: { recordId: string; zendeskTicketId: string; status: string; changedAt: number };
};

export function recordTicketStatusChanged({ data }: RecordTicketStatusChanged, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  if (state.sync.status === 'SYNCED' && state.sync.zendeskTicketId !== data.zendeskTicketId) {
    throw new DomainError('TICKET.ZENDESK_MISMATCH', `Ticket ${state.ticketId} is Zendesk ticket ${state.sync.zendeskTicketId}, not ${data.zendeskTicketId}`);
  }
  const status = data.status.trim().toUpperCase();
  const current = state.zendeskStatus;
  // Webhooks are retried and may arrive out of order: a repeat or an older report changes nothing.
  if (current && (current.status === status || data.changedAt < current.changedAt)) return [];
  return [
    {
      type: 'TicketStatusChanged',
      data: { recordId: data.recordId, ticketId: state.ticketId, status, zendeskTicketId: data.zendeskTicketId, changedAt: data.changedAt },
    },
  ];
}
