import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last) and most parts per upload. */
export const MIN_PART_BYTES = 5 * MiB;
const MAX_PARTS = 10_000;

export type StreamUploadTarget = { Bucket: string; Key: string; ContentType: string };

/**
 * Streams `source` into one S3 object through ONE part buffer, reused for every
 * part: the next part is read only after the last one is stored, so memory is one
 * part whatever the file size, and the source is paused (back-pressure) meanwhile.
 * A source that ends within one part becomes a single PUT.
 *
 * Why not @aws-sdk/lib-storage's Upload: it copies every chunk (Buffer.from) and
 * concatenates each part into a new buffer, keeping the previous one alive until
 * the next; streaming 1 GiB grew file-service's RSS by 50-64 MiB with it, against
 * our 64 MiB goal (bench/, `npm run bench -- --targets stack`).
 *
 * All or nothing: on any failure the multipart upload is aborted (no parts left
 * behind) and an object already under the key stays as it was, since S3 replaces
 * an object only when a PUT or a CompleteMultipartUpload succeeds.
 */
export async function streamUpload(s3: S3Client, target: StreamUploadTarget, source: Readable, expectedMaxBytes?: number): Promise<void> {
  // Parts big enough that the largest allowed file fits in S3's 10,000 parts.
  const partBytes = Math.max(MIN_PART_BYTES, Math.ceil((expectedMaxBytes ?? 0) / MAX_PARTS));
  // allocUnsafe: untouched pages of a big buffer cost no memory, so a small image uses little of it.
  const part = Buffer.allocUnsafe(partBytes);
  let filled = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];

  const storePart = async () => {
    uploadId ??= (await s3.send(new CreateMultipartUploadCommand(target))).UploadId;
    if (!uploadId) throw new Error('S3 answered CreateMultipartUpload without an UploadId');
    if (parts.length >= MAX_PARTS) throw new Error(`S3 takes at most ${MAX_PARTS} parts of ${partBytes} bytes`);
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber, Body: part.subarray(0, filled) }),
    );
    parts.push({ ETag, PartNumber });
    filled = 0; // the SDK is done with the bytes once the part is stored: the buffer is free again
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; ) {
        const copied = chunk.copy(part, filled, offset);
        filled += copied;
        offset += copied;
        if (filled === partBytes) await storePart();
      }
    }
    if (!uploadId) {
      await s3.send(new PutObjectCommand({ ...target, Body: part.subarray(0, filled) }));
      return;
    }
    if (filled > 0) await storePart();
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}
