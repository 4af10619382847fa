import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  errorEnvelopeSchema,
  ok,
  uuidParam,
  zendeskWebhookBodySchema,
  zendeskWebhookResponseSchema,
  type ZendeskWebhookBody,
} from '@support-desk/contracts';
import type { TicketReadModel } from '@support-desk/read-model';
import { AppError } from '@support-desk/service-kit';
import { recordIdForTicket } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { verifyZendeskWebhook } from './webhook-signature';
import type { ZendeskWebhookSettings } from './zendesk-settings';

export type WebhookDeps = {
  tickets: TicketCommandHandler;
  /** Finds a ticket by its Zendesk id when the delivery has no external_id. */
  readModel?: TicketReadModel;
  webhook: ZendeskWebhookSettings;
  clock?: () => number;
};

const WEBHOOK_BODY_LIMIT = 64 * 1024;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const isUuid = (v: string) => uuidParam('external_id').safeParse(v).success;

/**
 * POST /api/zendesk/webhook: Zendesk tells us a ticket's status changed. The
 * signature covers the exact bytes received, so this plugin keeps the body raw
 * (its own content-type parser, scoped to this plugin); a preValidation hook
 * checks the signature over those bytes and only then parses the JSON, which
 * fastify validates with the route's zod schema like any other body. Every
 * refusal is an AppError for the app's one error handler.
 * Repeats and late, older deliveries are absorbed by the decider: 200, nothing new.
 */
export function zendeskWebhookRoute(deps: WebhookDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  return async (app) => {
    const signedAt = new WeakMap<FastifyRequest, number>();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
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
        preValidation: async (request) => {
          const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          signedAt.set(request, verifySignature(deps, request, raw, clock()));
          (request as { body: unknown }).body = parseJson(raw);
        },
      },
      async (request) => {
        const body = request.body;
        const recordId = await findRecordId(deps, body);
        if (!recordId) {
          // Triggers fire for every Zendesk ticket, also those not made by us: acknowledge and move on.
          request.log.info({ zendeskTicketId: body.ticket_id }, 'webhook for a ticket we do not know: ignored');
          return ok({ applied: false, ticketId: null, ticketStatus: null }, 'Not a Support Desk ticket: ignored');
        }
        // Only an ISO 8601 time with its zone orders deliveries; anything else falls back to the signing time.
        const updatedAt = body.updated_at && ISO_WITH_ZONE.test(body.updated_at) ? Date.parse(body.updated_at) : Number.NaN;
        const { newEvents, state } = await deps.tickets.handle(
          recordId,
          {
            type: 'RecordTicketStatusChanged',
            data: {
              recordId,
              zendeskTicketId: body.ticket_id,
              status: body.status,
              changedAt: Number.isFinite(updatedAt) ? updatedAt : signedAt.get(request)!,
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

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The time Zendesk signed the delivery, or an AppError: 503 while webhooks are off, 401 for a bad, missing or stale signature. */
export function verifySignature(deps: WebhookDeps, request: FastifyRequest, raw: Buffer, now: number): number {
  const secret = deps.webhook.secret;
  if (!secret) throw new AppError(503, 'ZENDESK.WEBHOOK_NOT_CONFIGURED', 'Zendesk webhooks are off: set ZENDESK_WEBHOOK_SECRET');
  const verdict = verifyZendeskWebhook({
    secret,
    signature: header(request.headers['x-zendesk-webhook-signature']),
    timestamp: header(request.headers['x-zendesk-webhook-signature-timestamp']),
    body: raw,
    now,
    maxAgeMs: deps.webhook.maxAgeMs,
  });
  if (!verdict.ok) throw new AppError(401, verdict.code, verdict.message);
  return verdict.signedAt;
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(400, 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON');
  }
}

/** external_id is our ticketId (we set it); without one, the read model knows the Zendesk id once synced. */
async function findRecordId(deps: WebhookDeps, body: ZendeskWebhookBody): Promise<string | undefined> {
  if (body.external_id && isUuid(body.external_id)) {
    const recordId = recordIdForTicket(body.external_id);
    const { ticket } = await deps.tickets.load(recordId);
    if (ticket.status === 'open') return recordId;
  }
  if (!deps.readModel) return undefined;
  const found = await deps.readModel.search({ zendeskTicketId: body.ticket_id }, { offset: 0, limit: 1 });
  return found.items[0]?.recordId;
}
