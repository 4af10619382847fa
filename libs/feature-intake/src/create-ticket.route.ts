import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  MESSAGES,
  createTicketBodySchema,
  createTicketResponseSchema,
  errorEnvelopeSchema,
  idempotencyKeyHeaderSchema,
  ok,
  type CreateTicketBody,
  type TicketEvent,
} from '@support-desk/contracts';
import { imageBlobKey, type BlobStore } from '@support-desk/blob-store';
import { AppError } from '@support-desk/service-kit';
import {
  DomainError,
  foldTicket,
  recordIdForTicket,
  ticketIdForIdempotencyKey,
  toSupportRecord,
  toTicketEvent,
  type FileLinks,
  type OpenTicket,
} from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';

export type IntakeDeps = {
  tickets: TicketCommandHandler;
  /** Read-only use: images named in a ticket must have been uploaded. */
  blobs: BlobStore;
  links: FileLinks;
  clock?: () => number;
  newTicketId?: () => string;
};

/** POST /api/user/log/message: validate → RequestTicket → TicketRequested → the support record. */
export function createTicketRoute(deps: IntakeDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  const newTicketId = deps.newTicketId ?? randomUUID;

  return async (app) => {
    app.post(
      '/api/user/log/message',
      {
        schema: {
          summary: 'Create customer support',
          description:
            'Creates a support record and its ticket (mirrored to Zendesk). Send `Idempotency-Key` to make retries safe: the same key and body return the first response; the same key with another body is refused with 422.',
          tags: ['tickets'],
          body: createTicketBodySchema,
          headers: idempotencyKeyHeaderSchema,
          response: { 200: createTicketResponseSchema, 400: errorEnvelopeSchema, 422: errorEnvelopeSchema },
        },
      },
      async (request) => {
        const body = request.body;
        await assertImagesExist(deps.blobs, body.images);
        const key = request.headers['idempotency-key'];
        const ticketId = key ? ticketIdForIdempotencyKey(key) : newTicketId();
        const recordId = recordIdForTicket(ticketId);
        const requestHash = hashBody(body);
        try {
          const { state } = await deps.tickets.handle(
            recordId,
            { type: 'RequestTicket', data: { recordId, ticketId, ...body, now: clock() } },
            { correlationId: request.id, ...(key ? { requestHash } : {}) },
          );
          return ok(toSupportRecord(state as OpenTicket, deps.links), MESSAGES.ticketCreated);
        } catch (error) {
          if (!(key && error instanceof DomainError && error.code === 'TICKET.ALREADY_EXISTS')) throw error;
          return ok(await replayFirstResponse(deps, recordId, requestHash), MESSAGES.ticketCreated);
        }
      },
    );
  };
}

async function assertImagesExist(blobs: BlobStore, images: string[]): Promise<void> {
  const found = await Promise.all(images.map(async (name) => ((await blobs.head(imageBlobKey(name))) ? null : name)));
  const missing = found.filter((n): n is string => n !== null);
  if (missing.length > 0) {
    throw new AppError(
      400,
      'TICKET.IMAGE_NOT_FOUND',
      `Unknown image${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: upload with POST /api/common/upload/file?bucketType=LOG_IMAGE first`,
      missing.map((name) => ({ path: 'body.images', message: `${name} was not uploaded` })),
    );
  }
}

/** Same key, same body: the response of the first request, from its TicketRequested alone. */
async function replayFirstResponse(deps: IntakeDeps, recordId: string, requestHash: string) {
  const { recorded } = await deps.tickets.load(recordId);
  const first = recorded[0];
  if (!first || first.metadata.requestHash !== requestHash) {
    throw new AppError(422, 'IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was already used with a different request body');
  }
  const ticket = foldTicket([toTicketEvent(first) as TicketEvent]) as OpenTicket;
  return toSupportRecord(ticket, deps.links);
}

/** Hash of the validated body with sorted keys, so key order and whitespace don't matter. */
function hashBody(body: CreateTicketBody): string {
  const canonical = JSON.stringify(body, Object.keys(body).sort());
  return createHash('sha256').update(canonical).digest('hex');
}
