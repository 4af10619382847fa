import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_ROUTES, MESSAGES, envelopeSchema, errorEnvelopeSchema, ok, uploadImageQuerySchema } from '@support-desk/contracts';
import { imageBlobKey } from '@support-desk/blob-store';
import { appRouteOptions } from '@support-desk/service-kit';
import type { FilesDeps } from './files-deps';
import { receiveFilePart } from './receive-file-part';
import { sniffImage, storeStream } from './store-upload';

/**
 * POST /api/common/upload/file?bucketType=LOG_IMAGE: an image for a later ticket.
 * Answers with the generated name `<uuid>.<ext>` that the create body lists in `images`.
 */
export function uploadImageRoute(deps: FilesDeps): FastifyPluginAsyncZod {
  const newId = deps.newId ?? randomUUID;
  return async (app) => {
    app.post(
      API_ROUTES.uploadImage.path,
      {
        ...appRouteOptions(deps.userAuth, 'uploads'),
        schema: {
          summary: 'Upload an image for a later ticket',
          description:
            'multipart/form-data with the image in the part named "file" (JPEG, PNG, WebP or HEIC). `data` is the generated image name to send in `images` when creating the ticket.',
          tags: ['files'],
          querystring: uploadImageQuerySchema,
          consumes: ['multipart/form-data'],
          response: {
            200: envelopeSchema(z.string()),
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            413: errorEnvelopeSchema,
            415: errorEnvelopeSchema,
            429: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const maxBytes = deps.limits.LOG_IMAGE;
        const part = await receiveFilePart(request, maxBytes);
        const { image, stream } = await sniffImage(part.file, 'image');
        const name = `${newId()}.${image.ext}`;
        await storeStream(deps.blobs, imageBlobKey(name), stream, image.contentType, maxBytes);
        request.log.info({ image: name }, 'image stored');
        return ok(name, MESSAGES.imageUploaded);
      },
    );
  };
}
