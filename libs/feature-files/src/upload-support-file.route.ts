import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  MESSAGES,
  errorEnvelopeSchema,
  ok,
  uploadSupportFileParamsSchema,
  uploadSupportFileResponseSchema,
  type SupportFileType,
} from '@support-desk/contracts';
import { supportFileBlobKey } from '@support-desk/blob-store';
import { AppError, appRouteOptions } from '@support-desk/service-kit';
import { toSupportRecord } from '@support-desk/ticket-domain';
import type { FilesDeps } from './files-deps';
import { safeFileName } from './file-name';
import { receiveFilePart } from './receive-file-part';
import { sniffImage, storeStream } from './store-upload';

const LOG_CONTENT_TYPES = /^(text\/[a-z0-9.+-]+|application\/(octet-stream|json|zip|gzip|x-gzip|x-tar|x-zip-compressed))$/;

/**
 * POST /api/user/help/file/upload/{feedbackId}/{LOG|FEEDBACK_PHOTO}: the bytes go
 * to the blob store first; only a complete, accepted file gets its event.
 */
export function uploadSupportFileRoute(deps: FilesDeps): FastifyPluginAsyncZod {
  const clock = deps.clock ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  return async (app) => {
    app.post(
      API_ROUTES.uploadSupportFile.path,
      {
        ...appRouteOptions(deps.userAuth, 'uploads'),
        schema: {
          summary: 'Upload customer support file',
          description: 'multipart/form-data, file in the part named "file". LOG: any log file. FEEDBACK_PHOTO: a JPEG, PNG, WebP or HEIC image.',
          tags: ['files'],
          params: uploadSupportFileParamsSchema,
          consumes: ['multipart/form-data'],
          response: {
            200: uploadSupportFileResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
            413: errorEnvelopeSchema,
            415: errorEnvelopeSchema,
            429: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const { feedbackId, fileType } = request.params;
        const recordId = feedbackId.toLowerCase();
        // Unknown ticket: refuse before reading a byte of the upload.
        const { ticket } = await deps.tickets.load(recordId);
        // With USER_AUTH=jwt another user's record is answered like one that does not exist.
        const user = deps.userAuth?.userOf(request);
        if (ticket.status !== 'open' || (user !== undefined && ticket.uuid !== user)) {
          throw new AppError(404, 'TICKET.NOT_FOUND', `No support record with id ${feedbackId}`);
        }

        const maxBytes = deps.limits[fileType];
        const part = await receiveFilePart(request, maxBytes);
        const { stream, contentType } = await acceptedContent(fileType, part.file, part.mimetype);
        const blobKey = supportFileBlobKey(ticket.ticketId, fileType, newId());
        const stored = await storeStream(deps.blobs, blobKey, stream, contentType, maxBytes);
        try {
          const { state } = await deps.tickets.handle(
            recordId,
            {
              type: 'AttachSupportFile',
              data: {
                recordId,
                fileType,
                blobKey,
                fileName: safeFileName(part.filename, defaultName(fileType, contentType)),
                contentType,
                size: stored.size,
                now: clock(),
              },
            },
            { correlationId: request.id },
          );
          return ok(toSupportRecord(state, deps.links), MESSAGES.fileUploaded);
        } catch (error) {
          // No event, no blob: the store keeps nothing the record doesn't point to.
          await deps.blobs.delete(blobKey).catch((e) => request.log.warn({ err: e, blobKey }, 'could not remove orphan blob'));
          throw error;
        }
      },
    );
  };
}

async function acceptedContent(fileType: SupportFileType, file: Readable, mimetype: string): Promise<{ stream: Readable; contentType: string }> {
  if (fileType === 'FEEDBACK_PHOTO') {
    const { image, stream } = await sniffImage(file, 'feedback photo');
    return { stream, contentType: image.contentType };
  }
  // Logs are served back as attachments; keep a declared text/archive type, else octet-stream.
  const declared = (mimetype ?? '').toLowerCase().split(';')[0]!.trim();
  return { stream: file, contentType: LOG_CONTENT_TYPES.test(declared) ? declared : 'application/octet-stream' };
}

function defaultName(fileType: SupportFileType, contentType: string): string {
  if (fileType === 'LOG') return 'support.log';
  return `feedback-photo.${contentType.split('/')[1] ?? 'img'}`;
}
