import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  errorEnvelopeSchema,
  ok,
  zendeskCommentWebhookBodySchema,
  zendeskCommentWebhookResponseSchema,
  type TicketCommentAdded,
} from '@support-desk/contracts';
import { acceptSignedJson, deliveryTime, findRecordId, header, type WebhookDeps } from './signed-webhook';

export type CommentWebhookDeps = WebhookDeps & {
  /** Told of each new public agent comment (the push hook); never awaited by the webhook's answer. */
  onAgentReply?: (comment: TicketCommentAdded['data'], ticket: { uuid: string; udid: string }) => void;
};

const WEBHOOK_BODY_LIMIT = 128 * 1024;

/**
 * POST /api/zendesk/webhook/comments: a Zendesk trigger tells us a comment was
 * added (README "Zendesk" has the trigger and its JSON). Signed like the status
 * webhook, checked over the raw bytes before parsing. Idempotent by Zendesk's
 * comment id: repeated and late deliveries answer 200 and add nothing.
 */
export function zendeskCommentWebhookRoute(deps: CommentWebhookDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const signed = acceptSignedJson(app, deps, WEBHOOK_BODY_LIMIT);
    app.post(
      API_ROUTES.zendeskCommentWebhook.path,
      {
        schema: {
          summary: 'Zendesk webhook: comment added',
          description:
            'Called by a Zendesk trigger when a comment is added. Signed like /api/zendesk/webhook. Body: {"ticket_id", "external_id", "comment_id", "author_role", "public", "body", "created_at"}. Public comments by agents reach the app user; private ones stay in the admin history only.',
          tags: ['zendesk'],
          body: zendeskCommentWebhookBodySchema,
          response: {
            200: zendeskCommentWebhookResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            409: errorEnvelopeSchema,
            503: errorEnvelopeSchema,
          },
        },
        preValidation: signed.preValidation,
      },
      async (request) => {
        const body = request.body;
        if (body.author_role === 'END_USER') {
          // The requester's comments are the app's replies, recorded by zendesk-sync as it posts them (with
          // the reply's id): recording them here too could race that record and show the reply twice.
          return ok({ applied: false, ticketId: null }, "The requester's comments come from the app: ignored");
        }
        const recordId = await findRecordId(deps, body);
        if (!recordId) {
          request.log.info({ zendeskTicketId: body.ticket_id }, 'comment webhook for a ticket we do not know: ignored');
          return ok({ applied: false, ticketId: null }, 'Not a Support Desk ticket: ignored');
        }
        const { newEvents, state } = await deps.tickets.handle(
          recordId,
          {
            type: 'RecordTicketComment',
            data: {
              recordId,
              zendeskTicketId: body.ticket_id,
              commentId: body.comment_id,
              authorRole: body.author_role,
              public: body.public,
              body: body.body,
              createdAt: deliveryTime(body.created_at, signed.signedAt(request)),
              replyId: null,
            },
          },
          { correlationId: request.id, zendeskInvocationId: header(request.headers['x-zendesk-webhook-invocation-id']) ?? null },
        );
        for (const event of newEvents) {
          if (event.type === 'TicketCommentAdded' && event.data.public && event.data.authorRole !== 'END_USER') {
            deps.onAgentReply?.(event.data, { uuid: state.uuid, udid: state.udid });
          }
        }
        const applied = newEvents.length > 0;
        return ok({ applied, ticketId: state.ticketId }, applied ? 'Comment recorded' : 'Already recorded: nothing changed');
      },
    );
  };
}
