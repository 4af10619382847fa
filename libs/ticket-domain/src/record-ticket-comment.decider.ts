import type { CommentAuthorRole, TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/**
 * A comment is on the Zendesk ticket: from the comment webhook (an agent's), or
 * zendesk-sync's own post of a user reply (`replyId`). Zendesk's comment id
 * makes it idempotent: repeated and late deliveries add nothing.
 */
export type RecordTicketComment = {
  type: 'RecordTicketComment';
  data: {
    recordId: string;
    zendeskTicketId: string;
    commentId: string;
    authorRole: CommentAuthorRole;
    public: boolean;
    body: string;
    createdAt: number;
    replyId: string | null;
  };
};

export function recordTicketComment({ data }: RecordTicketComment, state: Ticket): TicketEvent[] {
  if (state.status !== 'open') throw new DomainError('TICKET.NOT_FOUND', `No support record with id ${data.recordId}`);
  if (state.sync.status === 'SYNCED' && state.sync.zendeskTicketId !== data.zendeskTicketId) {
    throw new DomainError('TICKET.ZENDESK_MISMATCH', `Ticket ${state.ticketId} is Zendesk ticket ${state.sync.zendeskTicketId}, not ${data.zendeskTicketId}`);
  }
  if (state.commentIds.includes(data.commentId)) return [];
  const replyId = data.replyId && state.replies.some((r) => r.replyId === data.replyId) ? data.replyId : null;
  const { recordId, zendeskTicketId, commentId, authorRole, body, createdAt } = data;
  return [
    {
      type: 'TicketCommentAdded',
      data: { recordId, ticketId: state.ticketId, zendeskTicketId, commentId, authorRole, public: data.public, body, createdAt, replyId },
    },
  ];
}
