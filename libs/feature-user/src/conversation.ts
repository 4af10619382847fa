import type { ConversationEntry, TicketEvent } from '@support-desk/contracts';

export type Conversation = { entries: ConversationEntry[]; lastReplyAt: number | null };

/**
 * What the app user sees of a ticket's conversation, in stream order: their
 * replies (delivered once zendesk-sync posted them) and the public comments
 * written in Zendesk. Private comments (our file notes, agents' internal notes)
 * never appear. Pure; folded from the ticket's events.
 */
export function foldConversation(events: readonly TicketEvent[]): Conversation {
  const entries: ConversationEntry[] = [];
  const seenComments = new Set<string>();
  let lastReplyAt: number | null = null;
  for (const event of events) {
    if (event.type === 'UserReplied') {
      const { replyId, body, images, repliedAt } = event.data;
      if (!entries.some((e) => e.author === 'USER' && e.id === replyId))
        entries.push({ id: replyId, author: 'USER', body, images, createdAt: repliedAt, delivered: false });
      continue;
    }
    if (event.type !== 'TicketCommentAdded' || seenComments.has(event.data.commentId)) continue;
    const { commentId, replyId, authorRole, body, createdAt } = event.data;
    seenComments.add(commentId);
    if (replyId) {
      const reply = entries.find((e) => e.author === 'USER' && e.id === replyId);
      if (reply) reply.delivered = true;
      continue;
    }
    if (!event.data.public) continue;
    const author = authorRole === 'END_USER' ? 'USER' : 'SUPPORT';
    entries.push({ id: commentId, author, body, images: [], createdAt, delivered: true });
    if (author === 'SUPPORT') lastReplyAt = Math.max(lastReplyAt ?? createdAt, createdAt);
  }
  return { entries, lastReplyAt };
}
