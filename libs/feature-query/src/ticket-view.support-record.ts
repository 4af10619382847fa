import type { SupportRecord } from '@support-desk/contracts';
import type { TicketView } from '@support-desk/read-model';
import type { FileLinks } from '@support-desk/ticket-domain';

/** The seed's support record from admin search's view; the same record the writers answer (see its unit spec). */
export function supportRecordFromView(view: TicketView, links: FileLinks): SupportRecord {
  return {
    id: view.recordId,
    user: { id: view.uuid },
    device: { udid: view.udid },
    ticketId: view.ticketId,
    logPath: view.files.LOG ? links.supportFileUrl(view.ticketId, 'LOG') : null,
    name: view.name,
    email: view.email,
    phone: view.phone,
    category: view.category,
    ticketInfo: {
      id: view.ticketId,
      coreTicketNumber: null,
      supportTicketId: view.sync.status === 'SYNCED' ? view.sync.zendeskTicketId : null,
      subject: view.subject,
      message: view.message,
      ticketStatus: view.ticketStatus,
      userTransactionId: null,
      userId: view.uuid,
      userName: view.name,
      images: view.images,
    },
    feedbackPhoto: view.files.FEEDBACK_PHOTO ? links.supportFileUrl(view.ticketId, 'FEEDBACK_PHOTO') : null,
    creationDate: view.requestedAt,
    sync: {
      status: view.sync.status,
      reason: view.sync.status === 'FAILED' ? view.sync.reason : null,
    },
  };
}
