import type { TicketEvent, ZendeskFileMode } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** A support file reached the Zendesk ticket (attached, or linked when Zendesk refused it). */
export type RecordSupportFileSynced = {
  type: 'RecordSupportFileSynced';
  data: { recordId: string; blobKey: string; zendeskTicketId: string; mode: ZendeskFileMode; now: number };
};

export function recordSupportFileSynced({ data }: RecordSupportFileSynced, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  // Idempotent: a redelivered upload event must not add a second comment record.
  if (state.zendeskFiles.includes(data.blobKey)) return [];
  const { now, ...file } = data;
  return [{ type: 'SupportFileSynced', data: { ...file, ticketId: state.ticketId, syncedAt: now } }];
}
