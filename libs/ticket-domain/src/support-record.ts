import type { SupportFileType, SupportRecord } from '@support-desk/contracts';
import type { OpenTicket } from './ticket';

export type FileLinks = {
  /** Where an admin downloads the ticket's file (our admin route, not a bucket URL). */
  supportFileUrl(ticketId: string, fileType: SupportFileType): string;
  /** Where an admin downloads an image named in `images` (admin route too). */
  imageUrl(name: string): string;
};

/** The seed's status of a ticket Zendesk has not reported on yet. */
export const INITIAL_TICKET_STATUS = 'CREATED';

/**
 * The seed's support record as the writers answer it (create, upload, admin sync),
 * from the write side's ticket; nothing invented. Admin search answers the same
 * record from its own view (feature-query), and a test there keeps the two equal.
 */
export function toSupportRecord(ticket: OpenTicket, links: FileLinks): SupportRecord {
  return {
    id: ticket.recordId,
    user: { id: ticket.uuid },
    device: { udid: ticket.udid },
    ticketId: ticket.ticketId,
    logPath: ticket.files.LOG ? links.supportFileUrl(ticket.ticketId, 'LOG') : null,
    name: ticket.name,
    email: ticket.email,
    phone: ticket.phone,
    category: ticket.category,
    ticketInfo: {
      id: ticket.ticketId,
      coreTicketNumber: null,
      supportTicketId: ticket.sync.status === 'SYNCED' ? ticket.sync.zendeskTicketId : null,
      subject: ticket.subject,
      message: ticket.message,
      ticketStatus: ticket.zendeskStatus?.status ?? INITIAL_TICKET_STATUS,
      userTransactionId: null,
      userId: ticket.uuid,
      userName: ticket.name,
      images: ticket.images,
    },
    feedbackPhoto: ticket.files.FEEDBACK_PHOTO ? links.supportFileUrl(ticket.ticketId, 'FEEDBACK_PHOTO') : null,
    creationDate: ticket.requestedAt,
    sync: {
      status: ticket.sync.status,
      reason: ticket.sync.status === 'FAILED' ? ticket.sync.reason : null,
    },
  };
}
