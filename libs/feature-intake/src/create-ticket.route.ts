import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  MESSAGES,
  createTicketBodySchema,
  createTicketResponseSchema,
  errorEnvelopeSchema,
  idempotencyKeyHeaderSchema,
  ok,
} from '@support-desk/contracts';
import { imageBlobKey, type BlobStore } from '@support-desk/blob-store';
import { AppError, appRouteOptions, registerUserRateLimits, type UserAuth } from '@support-desk/service-kit';
import { toSupportRecord, type FileLinks } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';

export type IntakeDeps = {
  tickets: TicketCommandHandler;
  /** Read-only use: images named in a ticket must have been uploaded. */
  blobs: BlobStore;
  links: FileLinks;
  clock?: () => number;
  newTicketId?: () => string;
  /** USER_AUTH: with jwt the body's uuid must be the token's sub (403); tickets per hour are limited either way. */
  userAuth?: UserAuth;
};

/**
 * POST /api/user/log/message: validate → RequestTicket → TicketRequested → the support record.
 * Decided by ticket-domain's request-ticket.decider.ts; the Idempotency-Key is the command layer's.
 */
export function createTicketRoute(deps: IntakeDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  const newTicketId = deps.newTicketId ?? randomUUID;

  return async (app) => {
    await registerUserRateLimits(app);
    app.post(
      API_ROUTES.createTicket.path,
      {
        ...appRouteOptions(deps.userAuth, 'tickets'),
        schema: {
          summary: 'Create customer support',
          description:
            'Creates a support record and its ticket (mirrored to Zendesk). Send `Idempotency-Key` to make retries safe: the same key and body return the first response; the same key with another body is refused with 422 IDEMPOTENCY.KEY_REUSED. `images` must name images uploaded with POST /api/common/upload/file, else 422 TICKET.IMAGE_NOT_FOUND.',
          tags: ['tickets'],
          body: createTicketBodySchema,
          headers: idempotencyKeyHeaderSchema,
          response: {
            200: createTicketResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            422: errorEnvelopeSchema,
            429: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const user = deps.userAuth?.userOf(request);
        if (user !== undefined && request.body.uuid !== user) {
          throw new AppError(403, 'USER_AUTH.UUID_MISMATCH', "The body's uuid is not the signed-in user's (the token's sub)");
        }
        // Most creates name no image: then there is nothing to look up (and no promises to make and await).
        if (request.body.images.length > 0) await assertImagesExist(deps.blobs, request.body.images);
        const ticket = await deps.tickets.requestTicket(request.body, {
          now: clock(),
          idempotencyKey: request.headers['idempotency-key'],
          newTicketId,
          correlationId: request.id,
        });
        return ok(toSupportRecord(ticket, deps.links), MESSAGES.ticketCreated);
      },
    );
  };
}

async function assertImagesExist(blobs: BlobStore, images: string[]): Promise<void> {
  const found = await Promise.all(images.map(async (name) => ((await blobs.head(imageBlobKey(name))) ? null : name)));
  const missing = found.filter((n): n is string => n !== null);
  if (missing.length > 0) {
    // 422, not 400: the body is valid by the schema and names an image this server does not have.
    throw new AppError(
      422,
      'TICKET.IMAGE_NOT_FOUND',
      `Unknown image${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: upload with POST /api/common/upload/file?bucketType=LOG_IMAGE first`,
      missing.map((name) => ({ path: 'body.images', message: `${name} was not uploaded` })),
    );
  }
}
