import type { SupportFileType } from '@support-desk/contracts';
import { INITIAL_TICKET_STATUS } from '@support-desk/ticket-domain';
import type { TicketView } from './ticket-view';

/**
 * The document stored before the read model had a view of its own: the write
 * side's folded ticket, without a schemaVersion. Kept as its own shape so
 * documents written by those builds are still read (as the current view).
 */
export type TicketDocumentV0 = {
  status: 'open';
  recordId: string;
  ticketId: string;
  uuid: string;
  udid: string;
  subject: string;
  message: string;
  email: string;
  name: string | null;
  category: string;
  phone: string | null;
  images: string[];
  requestedAt: number;
  files: Partial<Record<SupportFileType, { blobKey: string }>>;
  sync: { status: 'PENDING' } | { status: 'SYNCED'; zendeskTicketId: string } | { status: 'FAILED'; reason: string };
  /** Absent until Zendesk reported a status, and on documents from before webhooks. */
  zendeskStatus?: { status: string; changedAt: number } | null;
};

export function isV0Document(doc: unknown): doc is TicketDocumentV0 {
  const d = doc as Partial<Record<string, unknown>> | null;
  return typeof d === 'object' && d !== null && d.schemaVersion === undefined && d.status === 'open' && typeof d.recordId === 'string';
}

export function fromV0Document(doc: TicketDocumentV0): TicketView {
  return {
    schemaVersion: 1,
    recordId: doc.recordId,
    ticketId: doc.ticketId,
    uuid: doc.uuid,
    udid: doc.udid,
    subject: doc.subject,
    message: doc.message,
    email: doc.email,
    name: doc.name,
    category: doc.category,
    phone: doc.phone,
    images: doc.images,
    requestedAt: doc.requestedAt,
    files: { LOG: Boolean(doc.files.LOG), FEEDBACK_PHOTO: Boolean(doc.files.FEEDBACK_PHOTO) },
    ticketStatus: doc.zendeskStatus?.status ?? INITIAL_TICKET_STATUS,
    sync:
      doc.sync.status === 'SYNCED'
        ? { status: 'SYNCED', zendeskTicketId: doc.sync.zendeskTicketId }
        : doc.sync.status === 'FAILED'
          ? { status: 'FAILED', reason: doc.sync.reason }
          : { status: 'PENDING' },
  };
}
