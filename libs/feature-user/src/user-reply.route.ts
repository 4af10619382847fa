import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  USER_MESSAGES,
  errorEnvelopeSchema,
  idempotencyKeyHeaderSchema,
  ok,
  userReplyBodySchema,
  userReplyResponseSchema,
  userTicketParamsSchema,
} from '@support-desk/contracts';
import { imageBlobKey, type BlobStore } from '@support-desk/blob-store';
import { AppError, appRouteOptions, registerUserRateLimits, type UserAuth } from '@support-desk/service-kit';
import { DomainError, recordIdForTicket } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { ticketNotFound, verifiedUser } from './user-identity';

export type UserReplyDeps = {
  tickets: TicketCommandHandler;
  /** Read-only: images named in a reply must have been uploaded. */
  blobs: BlobStore;
  userAuth?: UserAuth;
  clock?: () => number;
};

/**
 * POST /api/user/tickets/{ticketId}/comments: the verified user answers on their
 * ticket → UserReplied → zendesk-sync posts it as a public comment by the
 * requester. An Idempotency-Key makes a retry land on the same reply.
 */
export function userReplyRoute(deps: UserReplyDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  return async (app) => {
    await registerUserRateLimits(app);
    app.post(
      API_ROUTES.userTicketReply.path,
      {
        ...appRouteOptions(deps.userAuth, 'replies'),
        schema: {
          summary: 'Reply on one of your tickets',
          description:
            'Needs USER_AUTH=jwt. Plain text and optional image names from POST /api/common/upload/file; posted to the Zendesk ticket as a public comment by the requester. `Idempotency-Key` makes retries safe. Limited per user per hour (429 with Retry-After).',
          tags: ['app user'],
          params: userTicketParamsSchema,
          headers: idempotencyKeyHeaderSchema,
          body: userReplyBodySchema,
          response: {
            200: userReplyResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
            422: errorEnvelopeSchema,
            429: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const uuid = verifiedUser(deps.userAuth, request);
        const { ticketId } = request.params;
        const recordId = recordIdForTicket(ticketId);
        const key = request.headers['idempotency-key'];
        const replyId = key ? replyIdFor(uuid, recordId, key) : randomUUID();
        await assertImagesExist(deps.blobs, request.body.images);
        try {
          const { state } = await deps.tickets.handle(
            recordId,
            { type: 'ReplyToTicket', data: { recordId, replyId, uuid, body: request.body.body, images: request.body.images, now: clock() } },
            { correlationId: request.id },
          );
          const reply = state.replies.find((r) => r.replyId === replyId)!;
          return ok(
            {
              id: reply.replyId,
              author: 'USER' as const,
              body: reply.body,
              images: reply.images,
              createdAt: reply.repliedAt,
              delivered: reply.zendeskCommentId !== null,
            },
            USER_MESSAGES.replyAdded,
          );
        } catch (error) {
          // The decider's "not found" covers another user's ticket too: same words either way.
          if (error instanceof DomainError && error.code === 'TICKET.NOT_FOUND') throw ticketNotFound(ticketId);
          throw error;
        }
      },
    );
  };
}

/** A retry with the same key names the same reply; keys of other users or tickets never collide with it. */
function replyIdFor(uuid: string, recordId: string, key: string): string {
  const hex = createHash('sha256').update(`${uuid}\n${recordId}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function assertImagesExist(blobs: BlobStore, images: string[]): Promise<void> {
  const found = await Promise.all(images.map(async (name) => ((await blobs.head(imageBlobKey(name))) ? null : name)));
  const missing = found.filter((n): n is string => n !== null);
  if (missing.length > 0) {
    // 422 like the create route: the body is valid by the schema and names an image this server does not have.
    throw new AppError(
      422,
      'TICKET.IMAGE_NOT_FOUND',
      `Unknown image${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: upload with POST /api/common/upload/file?bucketType=LOG_IMAGE first`,
      missing.map((name) => ({ path: 'body.images', message: `${name} was not uploaded` })),
    );
  }
}
