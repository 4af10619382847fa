import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_ROUTES, downloadSupportFileParamsSchema } from '@support-desk/contracts';
import { AppError } from '@support-desk/service-kit';
import { recordIdForTicket } from '@support-desk/ticket-domain';
import type { FilesDeps } from './files-deps';
import { sendBlob } from './send-blob';

/** GET /api/aws/download/support/file/{coreTicketId}/{LOG|FEEDBACK_PHOTO}: admin only, streamed. */
export function downloadSupportFileRoute(deps: FilesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.downloadSupportFile.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Download customer support file',
          description: 'Streams the latest LOG or FEEDBACK_PHOTO of a ticket. Admin only.',
          tags: ['admin', 'files'],
          security: [{ adminToken: [] }],
          params: downloadSupportFileParamsSchema,
          // 200 is the file's bytes; errors (400/401/403/404) use the JSON envelope.
        },
      },
      async (request, reply) => {
        const { coreTicketId, fileType } = request.params;
        const { ticket } = await deps.tickets.load(recordIdForTicket(coreTicketId));
        if (ticket.status !== 'open') throw new AppError(404, 'TICKET.NOT_FOUND', `No ticket with id ${coreTicketId}`);
        const file = ticket.files[fileType];
        if (!file) throw new AppError(404, 'FILE.NOT_FOUND', `Ticket ${coreTicketId} has no ${fileType} file`);
        const blob = await deps.blobs.get(file.blobKey);
        if (!blob) throw new AppError(404, 'FILE.NOT_FOUND', `The ${fileType} file of ticket ${coreTicketId} is no longer stored`);
        return sendBlob(reply, blob, { fileName: file.fileName, contentType: file.contentType, disposition: 'attachment' });
      },
    );
  };
}
