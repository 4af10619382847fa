import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_ROUTES, PRIVACY_MESSAGES, errorEnvelopeSchema, exportQuerySchema, ok, userExportResponseSchema, userParamsSchema } from '@support-desk/contracts';
import { AppError, type AdminGuard } from '@support-desk/service-kit';
import { adminTokenId } from './admin-identity';
import { buildUserExport, userExportZip, type ExportSources } from './user-export';

export type ExportRouteDeps = ExportSources & { adminGuard: AdminGuard; now?: () => number };

/** GET /api/admin/users/{uuid}/export: everything held about the user (GDPR Art. 15/20), as JSON or a streamed zip. */
export function exportRoute(deps: ExportRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.exportUser.path,
      {
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Export everything held about a user',
          description:
            'Every ticket of the app user with its events (decrypted), the conversation (the message, their replies, Zendesk comments) and the list of files. ?format=zip streams a zip of export.json and every stored file (images/…, files/<ticketId>/<type>/…), byte for byte. 404 USER.NOT_FOUND when no ticket of that uuid is held (an erased user has none). Admin only.',
          tags: ['admin', 'privacy'],
          security: [{ adminToken: [] }],
          params: userParamsSchema,
          querystring: exportQuerySchema,
          response: {
            200: userExportResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
          },
        },
      },
      async (request, reply) => {
        const { uuid } = request.params;
        const data = await buildUserExport(deps, uuid, (deps.now ?? Date.now)());
        if (!data) throw new AppError(404, 'USER.NOT_FOUND', `No ticket of a user with uuid ${uuid} is held`);
        const format = request.query.format ?? 'json';
        request.log.info({ audit: 'user-exported', uuid, format, requestedBy: adminTokenId(request), tickets: data.tickets.length }, 'user data exported');
        if (format === 'json') return ok(data, PRIVACY_MESSAGES.exported);
        const zip = userExportZip(deps.blobs, data, (err) => request.log.error({ err, uuid }, 'user export zip failed while streaming'));
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', 'attachment; filename="user-export.zip"')
          .send(zip as never); // a stream: fastify pipes it, the route's JSON schema is not applied
      },
    );
  };
}
