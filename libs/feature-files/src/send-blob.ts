import type { FastifyReply } from 'fastify';
import type { BlobInfo } from '@support-desk/blob-store';
import type { Readable } from 'node:stream';
import { contentDisposition } from './file-name';

/**
 * Streams a stored file to an admin: its type and length, a safe file name, and
 * no sniffing or caching (these bytes come from app users).
 */
export function sendBlob(
  reply: FastifyReply,
  blob: { info: BlobInfo; body: Readable },
  file: { fileName: string; contentType: string; disposition: 'attachment' | 'inline' },
) {
  return reply
    .header('Content-Type', file.contentType)
    .header('Content-Length', String(blob.info.size))
    .header('Content-Disposition', contentDisposition(file.fileName, file.disposition))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'private, no-store')
    .send(blob.body);
}
