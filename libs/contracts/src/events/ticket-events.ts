/**
 * The ticket events: the system of record. Field names here are the published
 * contract (see ./avro/*.avsc); change them only by adding a new schema version.
 */
export const SUPPORT_FILE_TYPES = ['LOG', 'FEEDBACK_PHOTO'] as const;
export type SupportFileType = (typeof SUPPORT_FILE_TYPES)[number];

export type TicketRequested = {
  type: 'TicketRequested';
  data: {
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
  };
};

export type SupportFileUploaded = {
  type: 'SupportFileUploaded';
  data: {
    recordId: string;
    ticketId: string;
    fileType: SupportFileType;
    blobKey: string;
    fileName: string;
    contentType: string;
    size: number;
    uploadedAt: number;
  };
};

export type TicketSynced = {
  type: 'TicketSynced';
  data: { recordId: string; ticketId: string; zendeskTicketId: string; syncedAt: number };
};

export type TicketSyncFailed = {
  type: 'TicketSyncFailed';
  data: { recordId: string; ticketId: string; reason: string; attempts: number; failedAt: number };
};

/** A support file reached the Zendesk ticket: as an attachment, or as a link only when Zendesk refused the file. */
export const ZENDESK_FILE_MODES = ['ATTACHMENT', 'LINK'] as const;
export type ZendeskFileMode = (typeof ZENDESK_FILE_MODES)[number];

export type SupportFileSynced = {
  type: 'SupportFileSynced';
  data: { recordId: string; ticketId: string; blobKey: string; zendeskTicketId: string; mode: ZendeskFileMode; syncedAt: number };
};

/** Zendesk reported a new status for the ticket (webhook); `changedAt` is Zendesk's time of the change. */
export type TicketStatusChanged = {
  type: 'TicketStatusChanged';
  data: { recordId: string; ticketId: string; status: string; zendeskTicketId: string; changedAt: number };
};

/** The app user answered on their ticket (POST /api/user/tickets/{ticketId}/comments); zendesk-sync posts it as a public comment by the requester. */
export type UserReplied = {
  type: 'UserReplied';
  data: { recordId: string; ticketId: string; replyId: string; uuid: string; body: string; images: string[]; repliedAt: number };
};

/** Who wrote a Zendesk comment, as Zendesk's user role says: end-user (the requester), agent or admin. */
export const COMMENT_AUTHOR_ROLES = ['END_USER', 'AGENT', 'ADMIN'] as const;
export type CommentAuthorRole = (typeof COMMENT_AUTHOR_ROLES)[number];

/**
 * A comment is on the Zendesk ticket: an agent's (from our comment webhook) or the
 * app user's reply once zendesk-sync posted it (`replyId` names that UserReplied).
 * One per Zendesk comment id; `createdAt` is Zendesk's time of the comment.
 */
export type TicketCommentAdded = {
  type: 'TicketCommentAdded';
  data: {
    recordId: string;
    ticketId: string;
    zendeskTicketId: string;
    commentId: string;
    authorRole: CommentAuthorRole;
    public: boolean;
    body: string;
    createdAt: number;
    replyId: string | null;
  };
};

export type TicketEvent =
  | TicketRequested
  | SupportFileUploaded
  | TicketSynced
  | TicketSyncFailed
  | SupportFileSynced
  | TicketStatusChanged
  | UserReplied
  | TicketCommentAdded;
export type TicketEventType = TicketEvent['type'];

export const TICKET_EVENT_TYPES: readonly TicketEventType[] = [
  'TicketRequested',
  'SupportFileUploaded',
  'TicketSynced',
  'TicketSyncFailed',
  'SupportFileSynced',
  'TicketStatusChanged',
  'UserReplied',
  'TicketCommentAdded',
];

export function isTicketEventType(type: string): type is TicketEventType {
  return (TICKET_EVENT_TYPES as readonly string[]).includes(type);
}

/** Every ticket's events live in one stream; its id is derived from the record id. */
export const TICKET_STREAM_PREFIX = 'support-ticket-';
export const ticketStreamId = (recordId: string): string => `${TICKET_STREAM_PREFIX}${recordId}`;
