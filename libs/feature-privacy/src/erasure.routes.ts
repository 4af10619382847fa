import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  PRIVACY_MESSAGES,
  eraseUserBodySchema,
  errorEnvelopeSchema,
  erasureStatusResponseSchema,
  ok,
  userParamsSchema,
} from '@support-desk/contracts';
import { AppError, type AdminGuard } from '@support-desk/service-kit';
import { adminTokenId } from './admin-identity';
import { eraseUser, type EraseUserDeps } from './erase-user';
import { erasureStatusOf } from './erasure-status';
import { loadErasure } from './erasure-stream';

export type ErasureRouteDeps = EraseUserDeps & { adminGuard: AdminGuard };

const noData = (uuid: string) => new AppError(404, 'USER.NOT_FOUND', `No ticket of a user with uuid ${uuid} is held`);

/**
 * POST /api/admin/users/{uuid}/erase and GET …/erasure. The POST records who
 * (the admin token's id), when and why, and answers 202 with the status; a
 * second POST while that erasure runs or after it finished answers 200 with its
 * status (idempotent), never a second erasure.
 */
export function erasureRoutes(deps: ErasureRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      API_ROUTES.eraseUser.path,
      {
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Erase a user everywhere',
          description:
            "Starts erasing everything held about the app user: the read model's views are anonymised, their files deleted from the blob store (every version), their Zendesk tickets redacted and the Zendesk end user deleted for good, then their data key is deleted, so every personal field of theirs in the event store is unreadable (crypto-shredding). 202 with the status; follow it with GET …/erasure. 200 with the status when an erasure of that user is already running or done. 404 USER.NOT_FOUND when no ticket of that uuid is held. `reason` is kept for good in the audit trail: no personal data in it. Admin only.",
          tags: ['admin', 'privacy'],
          security: [{ adminToken: [] }],
          params: userParamsSchema,
          body: eraseUserBodySchema,
          response: {
            200: erasureStatusResponseSchema,
            202: erasureStatusResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
          },
        },
      },
      async (request, reply) => {
        const { uuid } = request.params;
        const requestedBy = adminTokenId(request);
        const result = await eraseUser(deps, { uuid, requestedBy, reason: request.body.reason });
        if (result.outcome === 'unknown-user') throw noData(uuid);
        const { status } = result;
        if (result.outcome === 'exists') return reply.code(200).send(ok(status, PRIVACY_MESSAGES.erasureExists));
        // The audit line: who, when, why. The token itself is never logged.
        request.log.info(
          {
            audit: 'erasure-requested',
            erasureId: status.erasureId,
            uuid,
            requestedBy,
            reason: status.reason,
            requestedAt: status.requestedAt,
            tickets: status.tickets,
          },
          'user erasure requested',
        );
        return reply.code(202).send(ok(status, PRIVACY_MESSAGES.erasureRequested));
      },
    );

    app.get(
      API_ROUTES.userErasure.path,
      {
        onRequest: deps.adminGuard,
        schema: {
          summary: "A user's erasure: its status",
          description:
            'REQUESTED while its steps run (read-model, blobs, zendesk: each PENDING or DONE with its date), ERASED once the data key is deleted. Who asked, when and why. 404 ERASURE.NOT_FOUND when that user was never erased. Admin only.',
          tags: ['admin', 'privacy'],
          security: [{ adminToken: [] }],
          params: userParamsSchema,
          response: {
            200: erasureStatusResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const state = await loadErasure(deps.store, request.params.uuid);
        if (state.status === 'none') throw new AppError(404, 'ERASURE.NOT_FOUND', `No erasure of a user with uuid ${request.params.uuid}`);
        return ok(erasureStatusOf(state), PRIVACY_MESSAGES.erasureStatus);
      },
    );
  };
}
