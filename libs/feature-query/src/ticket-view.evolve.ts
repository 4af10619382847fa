import type { TicketEvent, TicketRequested } from '@support-desk/contracts';
import { TICKET_VIEW_SCHEMA_VERSION, type TicketView } from '@support-desk/read-model';
import { INITIAL_TICKET_STATUS } from '@support-desk/ticket-domain';

/**
 * Admin search's view, folded from ticket events; pure. Its own fold, not the
 * write side's: it keeps only what search and the support record need (whether a
 * file exists, not where; the Zendesk ticket id, not when it synced).
 * `null` is "no ticket yet": an event before its TicketRequested shows nothing.
 */
export function evolveTicketView(view: TicketView | null, event: TicketEvent): TicketView | null {
  switch (event.type) {
    case 'TicketRequested':
      return requested(event.data);
    case 'SupportFileUploaded':
      return view && { ...view, files: { ...view.files, [event.data.fileType]: true } };
    case 'TicketSynced':
      return view && { ...view, sync: { status: 'SYNCED', zendeskTicketId: event.data.zendeskTicketId } };
    case 'TicketSyncFailed':
      // A late failure report never undoes a sync that already succeeded.
      if (!view || view.sync.status === 'SYNCED') return view;
      return { ...view, sync: { status: 'FAILED', reason: event.data.reason } };
    case 'SupportFileSynced':
      // Zendesk's copy of a file shows nowhere in the record.
      return view;
    case 'TicketStatusChanged':
      // The decider appends only newer reports, so the last one is Zendesk's current status.
      return view && { ...view, ticketStatus: event.data.status };
    case 'UserReplied':
    case 'TicketCommentAdded':
      // The conversation is served from the ticket's stream (feature-user), not searched.
      return view;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function requested(data: TicketRequested['data']): TicketView {
  return {
    schemaVersion: TICKET_VIEW_SCHEMA_VERSION,
    recordId: data.recordId,
    ticketId: data.ticketId,
    uuid: data.uuid,
    udid: data.udid,
    subject: data.subject,
    message: data.message,
    email: data.email,
    name: data.name,
    category: data.category,
    phone: data.phone,
    images: data.images,
    requestedAt: data.requestedAt,
    files: { LOG: false, FEEDBACK_PHOTO: false },
    ticketStatus: INITIAL_TICKET_STATUS,
    sync: { status: 'PENDING' },
  };
}

export const foldTicketView = (events: readonly TicketEvent[]): TicketView | null => events.reduce(evolveTicketView, null);
