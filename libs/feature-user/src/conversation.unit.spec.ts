import { describe, expect, it } from 'vitest';
import { ERASED, type TicketEvent } from '@support-desk/contracts';
import { foldConversation } from './conversation';

const base = { recordId: 'r', ticketId: 't', zendeskTicketId: '42' };
const comment = (commentId: string, over: object = {}): TicketEvent => ({
  type: 'TicketCommentAdded',
  data: { ...base, commentId, authorRole: 'AGENT', public: true, body: `c ${commentId}`, createdAt: Number(commentId), replyId: null, ...over },
});

describe('foldConversation', () => {
  it('shows replies and public comments in order, hides private ones, marks replies delivered, keeps the last support reply time', () => {
    const events: TicketEvent[] = [
      { type: 'UserReplied', data: { recordId: 'r', ticketId: 't', replyId: 'rep', uuid: 'u', body: 'help', images: ['a.png'], repliedAt: 5 } },
      comment('10'),
      comment('20', { public: false, body: 'internal' }),
      comment('30', { authorRole: 'END_USER', replyId: 'rep', body: 'help' }),
      comment('10'),
    ];
    const { entries, lastReplyAt } = foldConversation(events);
    expect(entries).toEqual([
      { id: 'rep', author: 'USER', body: 'help', images: ['a.png'], createdAt: 5, delivered: true },
      { id: '10', author: 'SUPPORT', body: 'c 10', images: [], createdAt: 10, delivered: true },
    ]);
    expect(lastReplyAt).toBe(10);
  });

  it('shows a shredded conversation (its subject erased) as ERASED bodies, no images, same order and delivery', () => {
    const events: TicketEvent[] = [
      { type: 'UserReplied', data: { recordId: 'r', ticketId: 't', replyId: 'rep', uuid: 'u', body: ERASED, images: [], repliedAt: 5 } },
      comment('10', { body: ERASED }),
      comment('30', { authorRole: 'END_USER', replyId: 'rep', body: ERASED }),
    ];
    expect(foldConversation(events).entries).toEqual([
      { id: 'rep', author: 'USER', body: ERASED, images: [], createdAt: 5, delivered: true },
      { id: '10', author: 'SUPPORT', body: ERASED, images: [], createdAt: 10, delivered: true },
    ]);
  });
});
