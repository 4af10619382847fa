import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorEnvelopeSchema, ok, uuidParam, zendeskWebhookBodySchema, zendeskWebhookResponseSchema, type ZendeskWebhookBody } from '@support-desk/contracts';
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
 * signature covers the exact bytes received, so this plugin takes the body raw
 * (its own content-type parser, scoped to this plugin) and parses JSON itself.
 * Repeats and late, older deliveries are absorbed by the decider: 200, nothing new.
 */
export function zendeskWebhookRoute(deps: WebhookDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    app.post(
      '/api/zendesk/webhook',
      {
        schema: {
          summary: 'Zendesk webhook: ticket status changed',
          description:
            'Called by a Zendesk trigger. Signed by Zendesk (X-Zendesk-Webhook-Signature = base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + raw body, secret ZENDESK_WEBHOOK_SECRET). Body: {"ticket_id", "external_id", "status", "updated_at"}. Bad or stale signatures get 401.',
          tags: ['zendesk'],
          response: { 200: zendeskWebhookResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 409: errorEnvelopeSchema, 503: errorEnvelopeSchema },
        },
      },
      async (request) => {
        const secret = deps.webhook.secret;
        if (!secret) throw new AppError(503, 'ZENDESK.WEBHOOK_NOT_CONFIGURED', 'Zendesk webhooks are off: set ZENDESK_WEBHOOK_SECRET');
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const verdict = verifyZendeskWebhook({
          secret,
          signature: header(request.headers['x-zendesk-webhook-signature']),
          timestamp: header(request.headers['x-zendesk-webhook-signature-timestamp']),
          body: raw,
          now: clock(),
          maxAgeMs: deps.webhook.maxAgeMs,
        });
        if (!verdict.ok) throw new AppError(401, verdict.code, verdict.message);
        const body = parseBody(raw);
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
            data: { recordId, zendeskTicketId: body.ticket_id, status: body.status, changedAt: Number.isFinite(updatedAt) ? updatedAt : verdict.signedAt },
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

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(raw: Buffer): ZendeskWebhookBody {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(400, 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON');
  }
  const result = zendeskWebhookBodySchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message }));
  throw new AppError(400, 'REQUEST.VALIDATION', `Invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
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
