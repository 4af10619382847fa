import type { SupportFileType, TicketEvent } from '@support-desk/contracts';

/** A support file as the write side keeps it: enough to serve it and send it to Zendesk. */
export type StoredFile = {
  blobKey: string;
  fileName: string;
  contentType: string;
  size: number;
  uploadedAt: number;
};

export type SyncState =
  | { status: 'PENDING' }
  | { status: 'SYNCED'; zendeskTicketId: string; syncedAt: number }
  | { status: 'FAILED'; reason: string; attempts: number; failedAt: number };

/**
 * What the write side knows of one support ticket, folded from its events: what
 * the deciders check, and what the writers answer with. The admin search keeps
 * its own view (feature-query), so nothing here exists for the read side.
 */
export type OpenTicket = {
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
  files: Partial<Record<SupportFileType, StoredFile>>;
  sync: SyncState;
  /** Zendesk's status (NEW, OPEN, …) and Zendesk's time of that change, from its webhook; null until it reports one. */
  zendeskStatus: { status: string; changedAt: number } | null;
  /** blobKeys of the support files already added to the Zendesk ticket. */
  zendeskFiles: string[];
  /** The app user's replies, in order; `zendeskCommentId` once zendesk-sync posted one. */
  replies: UserReply[];
  /** Zendesk comment ids already recorded (TicketCommentAdded): a repeat delivery adds nothing. */
  commentIds: string[];
};

export type UserReply = { replyId: string; body: string; images: string[]; repliedAt: number; zendeskCommentId: string | null };

export type Ticket = { status: 'none' } | OpenTicket;

export const initialTicket = (): Ticket => ({ status: 'none' });

export function evolve(state: Ticket, event: TicketEvent): Ticket {
  switch (event.type) {
    case 'TicketRequested':
      return { status: 'open', ...event.data, files: {}, sync: { status: 'PENDING' }, zendeskStatus: null, zendeskFiles: [], replies: [], commentIds: [] };
    case 'SupportFileUploaded': {
      if (state.status !== 'open') return state;
      const { fileType, blobKey, fileName, contentType, size, uploadedAt } = event.data;
      return { ...state, files: { ...state.files, [fileType]: { blobKey, fileName, contentType, size, uploadedAt } } };
    }
    case 'TicketSynced':
      if (state.status !== 'open') return state;
      return { ...state, sync: { status: 'SYNCED', zendeskTicketId: event.data.zendeskTicketId, syncedAt: event.data.syncedAt } };
    case 'TicketSyncFailed':
      if (state.status !== 'open') return state;
      // A late failure report never undoes a sync that already succeeded.
      if (state.sync.status === 'SYNCED') return state;
      return {
        ...state,
        sync: { status: 'FAILED', reason: event.data.reason, attempts: event.data.attempts, failedAt: event.data.failedAt },
      };
    case 'SupportFileSynced': {
      if (state.status !== 'open') return state;
      if (state.zendeskFiles.includes(event.data.blobKey)) return state;
      return { ...state, zendeskFiles: [...state.zendeskFiles, event.data.blobKey] };
    }
    case 'TicketStatusChanged':
      if (state.status !== 'open') return state;
      return { ...state, zendeskStatus: { status: event.data.status, changedAt: event.data.changedAt } };
    case 'UserReplied': {
      if (state.status !== 'open' || state.replies.some((r) => r.replyId === event.data.replyId)) return state;
      const { replyId, body, images, repliedAt } = event.data;
      return { ...state, replies: [...state.replies, { replyId, body, images, repliedAt, zendeskCommentId: null }] };
    }
    case 'TicketCommentAdded': {
      if (state.status !== 'open' || state.commentIds.includes(event.data.commentId)) return state;
      const { commentId, replyId } = event.data;
      const replies = replyId ? state.replies.map((r) => (r.replyId === replyId ? { ...r, zendeskCommentId: commentId } : r)) : state.replies;
      return { ...state, commentIds: [...state.commentIds, commentId], replies };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const foldTicket = (events: readonly TicketEvent[]): Ticket => events.reduce(evolve, initialTicket());
