import type { FastifyInstance, FastifyRequest } from 'fastify';
import { uuidParam } from '@support-desk/contracts';
import type { TicketReadModel } from '@support-desk/read-model';
import { AppError } from '@support-desk/service-kit';
import { recordIdForTicket } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { verifyZendeskWebhook } from './webhook-signature';
import type { ZendeskWebhookSettings } from './zendesk-settings';

/** What every Zendesk webhook route needs. */
export type WebhookDeps = {
  tickets: TicketCommandHandler;
  /** Finds a ticket by its Zendesk id when the delivery has no external_id. */
  readModel?: TicketReadModel;
  webhook: ZendeskWebhookSettings;
  clock?: () => number;
};

export type SignedWebhook = {
  /** Checks the signature over the raw bytes (503 when off, 401 bad or stale), then parses the JSON (400). */
  preValidation: (request: FastifyRequest) => Promise<void>;
  /** When Zendesk signed this request's delivery (after preValidation passed). */
  signedAt: (request: FastifyRequest) => number;
};

/**
 * Zendesk signs the exact bytes it sends, so a webhook plugin keeps the body raw
 * (its own content-type parser, scoped to the calling plugin) and checks the
 * signature before anything is parsed; only then does the JSON reach the route's
 * zod schema like any other body. Every refusal is an AppError for the app's one
 * error handler.
 */
export function acceptSignedJson(app: FastifyInstance, deps: WebhookDeps, bodyLimit: number): SignedWebhook {
  const clock = deps.clock ?? Date.now;
  const signedAt = new WeakMap<FastifyRequest, number>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  return {
    preValidation: async (request) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      signedAt.set(request, verifySignature(deps, request, raw, clock()));
      (request as { body: unknown }).body = parseJson(raw);
    },
    signedAt: (request) => {
      const at = signedAt.get(request);
      if (at === undefined) throw new Error('signedAt() before the signature was checked');
      return at;
    },
  };
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Only an ISO 8601 time with its zone orders deliveries; anything else falls back to the signing time. */
export function deliveryTime(value: string | null | undefined, fallback: number): number {
  const at = value && ISO_WITH_ZONE.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? at : fallback;
}

const isUuid = (v: string) => uuidParam('external_id').safeParse(v).success;

/** external_id is our ticketId (we set it); without one, the read model knows the Zendesk id once synced. */
export async function findRecordId(deps: WebhookDeps, body: { ticket_id: string; external_id?: string | null }): Promise<string | undefined> {
  if (body.external_id && isUuid(body.external_id)) {
    const recordId = recordIdForTicket(body.external_id);
    const { ticket } = await deps.tickets.load(recordId);
    if (ticket.status === 'open') return recordId;
  }
  if (!deps.readModel) return undefined;
  const found = await deps.readModel.search({ zendeskTicketId: body.ticket_id }, { offset: 0, limit: 1 });
  return found.items[0]?.recordId;
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function verifySignature(deps: WebhookDeps, request: FastifyRequest, raw: Buffer, now: number): number {
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

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError(400, 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON');
  }
}
