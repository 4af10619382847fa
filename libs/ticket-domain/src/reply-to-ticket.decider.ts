import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { Ticket } from './ticket';

/** The app user answers on their ticket; `uuid` is the verified caller, `replyId` makes a retry harmless. */
export type ReplyToTicket = {
  type: 'ReplyToTicket';
  data: { recordId: string; replyId: string; uuid: string; body: string; images: string[]; now: number };
};

export function replyToTicket({ data }: ReplyToTicket, state: Ticket): TicketEvent[] {
  // Another user's ticket is answered exactly like a ticket that does not exist: nothing reveals it.
  if (state.status !== 'open' || state.uuid !== data.uuid) throw new DomainError('TICKET.NOT_FOUND', `No support ticket ${data.recordId} for this user`);
  if (state.replies.some((r) => r.replyId === data.replyId)) return [];
  return [
    {
      type: 'UserReplied',
      data: {
        recordId: data.recordId,
        ticketId: state.ticketId,
        replyId: data.replyId,
        uuid: data.uuid,
        body: data.body,
        images: data.images,
        repliedAt: data.now,
      },
    },
  ];
}
