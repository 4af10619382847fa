import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** Zendesk sync gave up after `attempts`. */
export type RecordTicketSyncFailed = {
  type: 'RecordTicketSyncFailed';
  data: { recordId: string; reason: string; attempts: number; now: number };
};

export function recordTicketSyncFailed({ data }: RecordTicketSyncFailed, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  if (state.sync.status === 'SYNCED') return [];
  return [
    {
      type: 'TicketSyncFailed',
      data: { recordId: data.recordId, ticketId: state.ticketId, reason: data.reason, attempts: data.attempts, failedAt: data.now },
    },
  ];
}
