import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '@support-desk/service-kit';

/** Room for multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * The single `file` part of a multipart upload, as a stream. Refuses early what
 * can be refused before reading: a declared Content-Length far over the limit, a
 * body that isn't multipart, no `file` part.
 */
export type FilePart = { file: Readable; filename: string; mimetype: string };

export async function receiveFilePart(request: FastifyRequest, maxBytes: number): Promise<FilePart> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
  if (!request.isMultipart()) {
    throw new AppError(415, 'UPLOAD.NOT_MULTIPART', 'The upload must be multipart/form-data with the file in a part named "file"');
  }
  const part = await firstPart(request, maxBytes);
  if (!part) throw new AppError(400, 'UPLOAD.FILE_MISSING', 'No file in the upload: send it in a multipart part named "file"');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw new AppError(400, 'UPLOAD.FILE_MISSING', `The file must be in a part named "file", not "${part.fieldname}"`);
  }
  // Destroyed before anyone read it: busboy already failed the part (body ended inside it).
  if (part.file.destroyed) throw incomplete();
  return { file: guardAgainstTruncation(part), filename: part.filename, mimetype: part.mimetype };
}

async function firstPart(request: FastifyRequest, maxBytes: number): Promise<MultipartFile | undefined> {
  try {
    // busboy stops at fileSize; one byte more than allowed lets us tell "exactly at the limit" from "over it".
    return await request.file({ limits: { fileSize: maxBytes + 1, files: 1, fields: 20, parts: 25, headerPairs: 100 } });
  } catch (error) {
    throw isBusboyRefusal(error) ? malformed() : error;
  }
}

/**
 * busboy (@fastify/busboy 3) refuses a body it cannot parse, such as a multipart
 * Content-Type without a boundary, with a bare `Error`: no subclass, no code.
 * Everything else that can come out of `request.file()` has a type or a code:
 * @fastify/multipart's own refusals are FastifyErrors with FST_* codes (the error
 * handler maps those), a dropped connection has a system code (ECONNRESET), and
 * our own misuse (a bad limit) is a TypeError.
 */
function isBusboyRefusal(error: unknown): boolean {
  return error instanceof Error && Object.getPrototypeOf(error) === Error.prototype && (error as { code?: unknown }).code === undefined;
}

/**
 * busboy fails a file part whose body ends early or whose client goes away by
 * destroying the stream, with a bare Error or none. Piping through our own stream
 * turns any way the part stops short of its end into one error every reader
 * sees: a clear 400 instead of a 500 ("premature close").
 */
function guardAgainstTruncation(part: MultipartFile): Readable {
  const guarded = new PassThrough();
  const cutShort = () => {
    if (!guarded.destroyed) guarded.destroy(incomplete());
  };
  // Listening before pipeline does: its own handler then destroys `guarded` with
  // busboy's error, which a stream destroyed already ignores, so readers get ours.
  part.file.on('error', cutShort);
  part.file.on('close', () => {
    if (!part.file.readableEnded) cutShort();
  });
  // Errors reach readers through `guarded`; pipeline only ties the two streams' lives together.
  pipeline(part.file, guarded, () => {});
  return guarded;
}

const malformed = () => new AppError(400, 'UPLOAD.MALFORMED_MULTIPART', 'The multipart body is malformed');

const incomplete = () => new AppError(400, 'UPLOAD.INCOMPLETE', 'The upload ended before the file was complete (truncated multipart body)');

export const tooLarge = (maxBytes: number) => new AppError(413, 'UPLOAD.TOO_LARGE', `The file is larger than the limit of ${formatBytes(maxBytes)}`);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
