import { isTicketEventType, ticketStreamId, type SupportFileType, type TicketEvent } from '@support-desk/contracts';
import type { EventStore, RecordedEvent } from '@support-desk/event-store';
import type { TicketReadModel } from '@support-desk/read-model';

/** Where a user's data is found: their views in the read model, then each ticket's stream (decrypted by the store). */
export type UserDataSources = {
  store: Pick<EventStore, 'readStream'>;
  readModel: Pick<TicketReadModel, 'search'>;
};

export type UserFile = {
  kind: 'IMAGE' | SupportFileType;
  blobKey: string;
  /** The name the app gave (support files) or the generated image name. */
  fileName: string;
  contentType: string | null;
  size: number | null;
  at: number;
};

export type ConversationItem = {
  author: 'USER' | 'END_USER' | 'AGENT' | 'ADMIN';
  kind: 'MESSAGE' | 'REPLY' | 'COMMENT';
  id: string;
  body: string;
  public: boolean;
  images: string[];
  at: number;
};

export type UserTicket = {
  recordId: string;
  ticketId: string;
  zendeskTicketIds: string[];
  /** Zendesk's last reported status (upper case) and when, if it ever reported one. */
  status: { status: string; changedAt: number } | null;
  events: { id: string; type: string; revision: number; recordedAt: number; data: Record<string, unknown> }[];
  conversation: ConversationItem[];
  files: UserFile[];
};

const PAGE = 100;

/**
 * Every ticket of the user (the uuid exactly as the app sent it), with its events.
 * The read model finds them (search by uuid); the streams are the truth, so a
 * view whose stream names another uuid (search ignores case) is left out.
 */
export async function loadUserTickets(sources: UserDataSources, uuid: string): Promise<UserTicket[]> {
  const recordIds: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await sources.readModel.search({ uuid }, { limit: PAGE, offset });
    recordIds.push(...page.items.map((v) => v.recordId));
    if (!page.hasMore || page.items.length === 0) break;
  }
  const tickets: UserTicket[] = [];
  for (const recordId of new Set(recordIds)) {
    const recorded = await sources.store.readStream(ticketStreamId(recordId));
    const first = recorded[0];
    if (first?.type !== 'TicketRequested' || first.data.uuid !== uuid) continue;
    tickets.push(foldUserTicket(recordId, recorded));
  }
  return tickets;
}

export function foldUserTicket(recordId: string, recorded: readonly RecordedEvent[]): UserTicket {
  const ticket: UserTicket = { recordId, ticketId: '', zendeskTicketIds: [], status: null, events: [], conversation: [], files: [] };
  for (const r of recorded) {
    ticket.events.push({ id: r.id, type: r.type, revision: r.revision, recordedAt: r.recordedAt, data: r.data });
    if (!isTicketEventType(r.type)) continue;
    applyEvent(ticket, { type: r.type, data: r.data } as TicketEvent);
  }
  return ticket;
}

function applyEvent(ticket: UserTicket, event: TicketEvent): void {
  const addZendeskId = (id: string) => {
    if (!ticket.zendeskTicketIds.includes(id)) ticket.zendeskTicketIds.push(id);
  };
  const addImages = (names: string[], at: number) => {
    for (const name of names) ticket.files.push({ kind: 'IMAGE', blobKey: `images/${name}`, fileName: name, contentType: null, size: null, at });
  };
  switch (event.type) {
    case 'TicketRequested': {
      const d = event.data;
      ticket.ticketId = d.ticketId;
      ticket.conversation.push({ author: 'USER', kind: 'MESSAGE', id: d.recordId, body: d.message, public: true, images: d.images, at: d.requestedAt });
      addImages(d.images, d.requestedAt);
      return;
    }
    case 'SupportFileUploaded': {
      const d = event.data;
      ticket.files.push({ kind: d.fileType, blobKey: d.blobKey, fileName: d.fileName, contentType: d.contentType, size: d.size, at: d.uploadedAt });
      return;
    }
    case 'UserReplied': {
      const d = event.data;
      ticket.conversation.push({ author: 'USER', kind: 'REPLY', id: d.replyId, body: d.body, public: true, images: d.images, at: d.repliedAt });
      addImages(d.images, d.repliedAt);
      return;
    }
    case 'TicketCommentAdded': {
      const d = event.data;
      addZendeskId(d.zendeskTicketId);
      // The user's own replies are already there (UserReplied); this is their copy in Zendesk.
      if (d.replyId) return;
      ticket.conversation.push({ author: d.authorRole, kind: 'COMMENT', id: d.commentId, body: d.body, public: d.public, images: [], at: d.createdAt });
      return;
    }
    case 'TicketSynced':
    case 'SupportFileSynced':
      addZendeskId(event.data.zendeskTicketId);
      return;
    case 'TicketStatusChanged':
      addZendeskId(event.data.zendeskTicketId);
      ticket.status = { status: event.data.status, changedAt: event.data.changedAt };
      return;
    case 'TicketSyncFailed':
      return;
    default: {
      const exhaustive: never = event;
      throw new Error(`Unknown ticket event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/** What an erasure of these tickets works on: their ids, Zendesk ids and every blob key, each once. */
export function erasureTargets(tickets: readonly UserTicket[]): { ticketIds: string[]; zendeskTicketIds: string[]; blobKeys: string[] } {
  const unique = (values: string[]) => [...new Set(values)];
  return {
    ticketIds: unique(tickets.map((t) => t.ticketId)),
    zendeskTicketIds: unique(tickets.flatMap((t) => t.zendeskTicketIds)),
    blobKeys: unique(tickets.flatMap((t) => t.files.map((f) => f.blobKey))),
  };
}
