import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_ROUTES, errorEnvelopeSchema, ok, zendeskWebhookBodySchema, zendeskWebhookResponseSchema } from '@support-desk/contracts';
import { acceptSignedJson, deliveryTime, findRecordId, header, type WebhookDeps } from './signed-webhook';

export type { WebhookDeps } from './signed-webhook';

const WEBHOOK_BODY_LIMIT = 64 * 1024;

/**
 * POST /api/zendesk/webhook: Zendesk tells us a ticket's status changed.
 * Signed (see signed-webhook.ts: checked over the raw bytes before parsing).
 * Repeats and late, older deliveries are absorbed by the decider: 200, nothing new.
 */
export function zendeskWebhookRoute(deps: WebhookDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const signed = acceptSignedJson(app, deps, WEBHOOK_BODY_LIMIT);
    app.post(
      API_ROUTES.zendeskWebhook.path,
      {
        schema: {
          summary: 'Zendesk webhook: ticket status changed',
          description:
            'Called by a Zendesk trigger. Signed by Zendesk (X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + raw body, secret ZENDESK_WEBHOOK_SECRET). Body: {"ticket_id", "external_id", "status", "updated_at"}. Bad or stale signatures get 401.',
          tags: ['zendesk'],
          body: zendeskWebhookBodySchema,
          response: {
            200: zendeskWebhookResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            409: errorEnvelopeSchema,
            503: errorEnvelopeSchema,
          },
        },
        // Before the schema: who sent it (503 when off, 401 unsigned or stale), then is it JSON (400).
        preValidation: signed.preValidation,
      },
      async (request) => {
        const body = request.body;
        const recordId = await findRecordId(deps, body);
        if (!recordId) {
          // Triggers fire for every Zendesk ticket, also those not made by us: acknowledge and move on.
          request.log.info({ zendeskTicketId: body.ticket_id }, 'webhook for a ticket we do not know: ignored');
          return ok({ applied: false, ticketId: null, ticketStatus: null }, 'Not a Support Desk ticket: ignored');
        }
        const { newEvents, state } = await deps.tickets.handle(
          recordId,
          {
            type: 'RecordTicketStatusChanged',
            data: {
              recordId,
              zendeskTicketId: body.ticket_id,
              status: body.status,
              changedAt: deliveryTime(body.updated_at, signed.signedAt(request)),
            },
          },
          { correlationId: request.id, zendeskInvocationId: header(request.headers['x-zendesk-webhook-invocation-id']) ?? null },
        );
        const open = state.status === 'open' ? state : undefined;
        const applied = newEvents.length > 0;
        return ok(
          { applied, ticketId: open?.ticketId ?? null, ticketStatus: open?.zendeskStatus?.status ?? null },
          applied ? 'Ticket status recorded' : 'Already recorded: nothing changed',
        );
      },
    );
  };
}
