import type { SupportFileType, TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** A LOG or FEEDBACK_PHOTO whose bytes are already stored under `blobKey`. */
export type AttachSupportFile = {
  type: 'AttachSupportFile';
  data: {
    recordId: string;
    fileType: SupportFileType;
    blobKey: string;
    fileName: string;
    contentType: string;
    size: number;
    now: number;
  };
};

export function attachSupportFile({ data }: AttachSupportFile, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  const { now, ...file } = data;
  return [{ type: 'SupportFileUploaded', data: { ...file, ticketId: state.ticketId, uploadedAt: now } }];
}
