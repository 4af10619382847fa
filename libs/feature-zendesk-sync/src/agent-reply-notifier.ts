import type { CommentWebhookDeps } from './comment-webhook.route';
import type { UserNotifier } from './user-notifier';

/** The comment webhook's hook for the push notifier: each new public agent comment → one notification. */
export function agentReplyNotifier(notifier: UserNotifier | undefined): CommentWebhookDeps['onAgentReply'] {
  if (!notifier) return undefined;
  return (comment, ticket) =>
    notifier.notify({
      event: 'ticket.reply',
      ticketId: comment.ticketId,
      uuid: ticket.uuid,
      udid: ticket.udid,
      commentId: comment.commentId,
      createdAt: comment.createdAt,
    });
}
