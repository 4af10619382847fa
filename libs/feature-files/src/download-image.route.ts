import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_ROUTES, imageNameField } from '@support-desk/contracts';
import { imageBlobKey } from '@support-desk/blob-store';
import { AppError } from '@support-desk/service-kit';
import type { FilesDeps } from './files-deps';
import { sendBlob } from './send-blob';

const paramsSchema = z.object({ name: imageNameField });

/**
 * GET /api/admin/images/{name}: an image a ticket names in `images`, admin only,
 * streamed. The links in Zendesk tickets point here, so they keep working for as
 * long as we keep the image (no presigned URL to expire).
 */
export function downloadImageRoute(deps: FilesDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.downloadImage.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Download a ticket image',
          description: "Streams an image uploaded with POST /api/common/upload/file (the names in a ticket's `images`). Admin only.",
          tags: ['admin', 'files'],
          security: [{ adminToken: [] }],
          params: paramsSchema,
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const blob = await deps.blobs.get(imageBlobKey(name));
        if (!blob) throw new AppError(404, 'FILE.NOT_FOUND', `No image named ${name}`);
        return sendBlob(reply, blob, { fileName: name, contentType: blob.info.contentType, disposition: 'inline' });
      },
    );
  };
}
