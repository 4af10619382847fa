import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '@support-desk/contracts';
import { DomainError } from './domain-error';
import type { RecordTicketComment } from './record-ticket-comment.decider';
import type { ReplyToTicket } from './reply-to-ticket.decider';
import { decide, type TicketCommand } from './ticket.decider';
import { foldTicket } from './ticket';

/** given(events).when(command).then(events | error): ReplyToTicket and RecordTicketComment. */
const given = (events: TicketEvent[]) => ({
  when: (command: TicketCommand) => {
    const run = () => decide(command, foldTicket(events));
    return {
      then: (expected: TicketEvent[]) => expect(run()).toEqual(expected),
      thenFails: (code: string) => {
        expect(run).toThrow(DomainError);
        expect(() => run()).toThrow(expect.objectContaining({ code }));
      },
    };
  },
});

const recordId = 'r-1';
const ticketId = 't-1';
const requested: TicketEvent = {
  type: 'TicketRequested',
  data: {
    recordId,
    ticketId,
    uuid: 'u-1',
    udid: 'd-1',
    subject: 'Crash',
    message: 'On start',
    email: 'a@example.com',
    name: null,
    category: 'bug',
    phone: null,
    images: [],
    requestedAt: 100,
  },
};
const synced: TicketEvent = { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '42', syncedAt: 200 } };
const reply = (uuid = 'u-1', replyId = 'rep-1'): ReplyToTicket => ({
  type: 'ReplyToTicket',
  data: { recordId, replyId, uuid, body: 'Still', images: [], now: 300 },
});
const replied: TicketEvent = { type: 'UserReplied', data: { recordId, ticketId, replyId: 'rep-1', uuid: 'u-1', body: 'Still', images: [], repliedAt: 300 } };
const comment = (over: Partial<RecordTicketComment['data']> = {}): RecordTicketComment => ({
  type: 'RecordTicketComment',
  data: { recordId, zendeskTicketId: '42', commentId: 'c-1', authorRole: 'AGENT', public: true, body: 'Try 5.13', createdAt: 400, replyId: null, ...over },
});
const added = (over: Partial<Extract<TicketEvent, { type: 'TicketCommentAdded' }>['data']> = {}): TicketEvent => ({
  type: 'TicketCommentAdded',
  data: {
    recordId,
    ticketId,
    zendeskTicketId: '42',
    commentId: 'c-1',
    authorRole: 'AGENT',
    public: true,
    body: 'Try 5.13',
    createdAt: 400,
    replyId: null,
    ...over,
  },
});

describe('ReplyToTicket', () => {
  it('the owner replies: UserReplied', () => given([requested]).when(reply()).then([replied]));
  it('the same reply id again: nothing new (a retry)', () => given([requested, replied]).when(reply()).then([]));
  it("another user's ticket: not found, as if it did not exist", () => given([requested]).when(reply('u-2')).thenFails('TICKET.NOT_FOUND'));
  it('no ticket: not found', () => given([]).when(reply()).thenFails('TICKET.NOT_FOUND'));
});

describe('RecordTicketComment', () => {
  it("an agent's comment: TicketCommentAdded", () => given([requested, synced]).when(comment()).then([added()]));
  it('the same Zendesk comment id again (repeat or late delivery): nothing new', () =>
    given([requested, synced, added()])
      .when(comment({ body: 'edited' }))
      .then([]));
  it('a posted reply keeps its reply id; an unknown reply id is dropped', () => {
    given([requested, synced, replied])
      .when(comment({ authorRole: 'END_USER', replyId: 'rep-1' }))
      .then([added({ authorRole: 'END_USER', replyId: 'rep-1' })]);
    given([requested, synced])
      .when(comment({ replyId: 'nope' }))
      .then([added()]);
  });
  it("another Zendesk ticket's comment: mismatch", () =>
    given([requested, synced])
      .when(comment({ zendeskTicketId: '43' }))
      .thenFails('TICKET.ZENDESK_MISMATCH'));
  it('marks the reply delivered in the write model', () => {
    const state = foldTicket([requested, synced, replied, added({ authorRole: 'END_USER', replyId: 'rep-1' })]);
    expect(state.status === 'open' && state.replies).toEqual([{ replyId: 'rep-1', body: 'Still', images: [], repliedAt: 300, zendeskCommentId: 'c-1' }]);
  });
});
