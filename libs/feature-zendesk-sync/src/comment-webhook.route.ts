import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  errorEnvelopeSchema,
  ok,
  uuidParam,
  zendeskCommentWebhookBodySchema,
  zendeskCommentWebhookResponseSchema,
  type TicketCommentAdded,
  type ZendeskCommentWebhookBody,
} from '@support-desk/contracts';
import { recordIdForTicket } from '@support-desk/ticket-domain';
import { header, parseJson, verifySignature, type WebhookDeps } from './webhook.route';

export type CommentWebhookDeps = WebhookDeps & {
  /** Told of each new public agent comment (the push hook); never awaited by the webhook's answer. */
  onAgentReply?: (comment: TicketCommentAdded['data'], ticket: { uuid: string; udid: string }) => void;
};

const WEBHOOK_BODY_LIMIT = 128 * 1024;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const isUuid = (v: string) => uuidParam('external_id').safeParse(v).success;

/**
 * POST /api/zendesk/webhook/comments: a Zendesk trigger tells us a comment was
 * added (README "Zendesk" has the trigger and its JSON). Signed like the status
 * webhook, checked over the raw bytes before parsing. Idempotent by Zendesk's
 * comment id: repeated and late deliveries answer 200 and add nothing.
 */
export function zendeskCommentWebhookRoute(deps: CommentWebhookDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  return async (app) => {
    const signedAt = new WeakMap<FastifyRequest, number>();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
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
        preValidation: async (request) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          signedAt.set(request, verifySignature(deps, request, raw, clock()));
          (request as { body: unknown }).body = parseJson(raw);
        },
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
        const created = body.created_at && ISO_WITH_ZONE.test(body.created_at) ? Date.parse(body.created_at) : Number.NaN;
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
              createdAt: Number.isFinite(created) ? created : signedAt.get(request)!,
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

/** external_id is our ticketId; without one, the read model knows the Zendesk id once synced. */
async function findRecordId(deps: WebhookDeps, body: ZendeskCommentWebhookBody): Promise<string | undefined> {
  if (body.external_id && isUuid(body.external_id)) {
    const recordId = recordIdForTicket(body.external_id);
    const { ticket } = await deps.tickets.load(recordId);
    if (ticket.status === 'open') return recordId;
  }
  if (!deps.readModel) return undefined;
  const found = await deps.readModel.search({ zendeskTicketId: body.ticket_id }, { offset: 0, limit: 1 });
  return found.items[0]?.recordId;
}
