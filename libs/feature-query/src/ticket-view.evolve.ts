import { ERASED, isErased, type TicketEvent, type TicketRequested } from '@support-desk/contracts';
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

/**
 * A TicketRequested whose subject was erased (crypto-shredded: its personal
 * fields read as ERASED, libs/personal-data) folds into an erased view: its uuid
 * goes too, as when the read model erases a live view, so a rebuild from the
 * store gives the same anonymised view and a search by uuid finds nothing.
 */
const isShredded = (data: TicketRequested['data']): boolean => isErased(data.email) || isErased(data.message);

function requested(data: TicketRequested['data']): TicketView {
  return {
    schemaVersion: TICKET_VIEW_SCHEMA_VERSION,
    recordId: data.recordId,
    ticketId: data.ticketId,
    uuid: isShredded(data) ? ERASED : data.uuid,
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
