import type { BlobStore } from '@support-desk/blob-store';
import { imageBlobKey } from '@support-desk/blob-store';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import type { Clock } from './clock';
import { ZendeskGaveUp } from './zendesk-error';
import type { ZendeskClient, ZendeskRequesterClient } from './zendesk-client';

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

export type ReplySyncContext = {
  tickets: TicketCommandHandler;
  blobs: BlobStore;
  client: ZendeskClient;
  requesters: ZendeskRequesterClient;
  clock: Clock;
  log: Log;
  retrying<T>(operation: string, log: object, run: () => Promise<T>): Promise<T>;
};

/**
 * Posts one app reply to its (synced) Zendesk ticket as a public comment by the
 * requester, images attached, then records TicketCommentAdded with the reply's
 * id, so a redelivery finds it posted and does nothing. A crash between
 * Zendesk's answer and that record posts it again on redelivery (at-least-once;
 * Zendesk has no idempotency key for ticket updates).
 */
export async function postUserReply(ctx: ReplySyncContext, recordId: string, zendeskTicketId: string, replyId: string): Promise<void> {
  const { ticket } = await ctx.tickets.load(recordId);
  if (ticket.status !== 'open') return;
  const reply = ticket.replies.find((r) => r.replyId === replyId);
  if (!reply || reply.zendeskCommentId !== null) return;
  const log = { ticketId: ticket.ticketId, zendeskTicketId, replyId };
  try {
    const authorId = await ctx.retrying(`find the requester of Zendesk ticket ${zendeskTicketId}`, log, () => ctx.requesters.requesterId(zendeskTicketId));
    const uploads: string[] = [];
    for (const name of reply.images) {
      const token = await ctx.retrying(`upload ${name} to Zendesk`, log, () => uploadImage(ctx, name));
      if (token) uploads.push(token);
    }
    const posted = await ctx.retrying(`post the reply on Zendesk ticket ${zendeskTicketId}`, log, () =>
      ctx.requesters.addPublicComment(zendeskTicketId, reply.body, authorId, uploads),
    );
    await ctx.tickets.handle(recordId, {
      type: 'RecordTicketComment',
      data: {
        recordId,
        zendeskTicketId,
        // Without Zendesk's id (an answer without its audit) our reply id stands in: still one record per reply.
        commentId: posted.commentId ?? `reply-${replyId}`,
        authorRole: 'END_USER',
        public: true,
        body: reply.body,
        createdAt: posted.createdAt ?? ctx.clock.now(),
        replyId,
      },
    });
    ctx.log.info({ ...log, commentId: posted.commentId }, 'user reply posted to Zendesk');
  } catch (error) {
    if (!(error instanceof ZendeskGaveUp)) throw error;
    // The reply stays undelivered in the app's conversation; the next redelivery or restart tries again.
    ctx.log.error({ ...log, attempts: error.attempts, reason: error.message }, 'could not post the user reply to Zendesk');
  }
}

async function uploadImage(ctx: ReplySyncContext, name: string): Promise<string | undefined> {
  const blob = await ctx.blobs.get(imageBlobKey(name));
  if (!blob) return undefined;
  return ctx.client.upload({ fileName: name, contentType: blob.info.contentType, size: blob.info.size, body: blob.body });
}
