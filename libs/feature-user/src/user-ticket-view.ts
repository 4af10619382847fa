import type { TicketEvent, UserTicketDetail, UserTicketSummary } from '@support-desk/contracts';
import { INITIAL_TICKET_STATUS, type OpenTicket } from '@support-desk/ticket-domain';
import { foldConversation } from './conversation';

/** One of the caller's tickets as the app shows it: the list's summary, and the detail with its public conversation. */
export function userTicketDetail(ticket: OpenTicket, events: readonly TicketEvent[]): UserTicketDetail {
  const { entries, lastReplyAt } = foldConversation(events);
  return { ...summaryOf(ticket, lastReplyAt), message: ticket.message, images: ticket.images, conversation: entries };
}

export function userTicketSummary(ticket: OpenTicket, events: readonly TicketEvent[]): UserTicketSummary {
  return summaryOf(ticket, foldConversation(events).lastReplyAt);
}

function summaryOf(ticket: OpenTicket, lastReplyAt: number | null): UserTicketSummary {
  return {
    ticketId: ticket.ticketId,
    feedbackId: ticket.recordId,
    subject: ticket.subject,
    status: ticket.zendeskStatus?.status ?? INITIAL_TICKET_STATUS,
    createdAt: ticket.requestedAt,
    lastReplyAt,
  };
}
