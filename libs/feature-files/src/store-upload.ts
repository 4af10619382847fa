import type { Readable } from 'node:stream';
import { BlobTooLargeError, type BlobInfo, type BlobStore } from '@support-desk/blob-store';
import { AppError } from '@support-desk/service-kit';
import { IMAGE_SNIFF_BYTES, detectImageType, type ImageType } from './image-type';
import { peekStream } from './peek-stream';
import { tooLarge } from './receive-file-part';

/** Checks that a stream is an image by its first bytes; 415 otherwise. */
export async function sniffImage(file: Readable, what: string): Promise<{ image: ImageType; stream: Readable }> {
  const { head, stream } = await peekStream(file, IMAGE_SNIFF_BYTES);
  const image = detectImageType(head);
  if (!image) {
    stream.destroy();
    throw new AppError(415, 'UPLOAD.NOT_AN_IMAGE', `The ${what} must be a JPEG, PNG, WebP or HEIC image`);
  }
  return { image, stream };
}

/** Streams into the blob store under the size limit; a refusal leaves nothing stored. */
export async function storeStream(blobs: BlobStore, key: string, stream: Readable, contentType: string, maxBytes: number): Promise<BlobInfo> {
  try {
    return await blobs.put(key, stream, { contentType, maxBytes });
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw tooLarge(maxBytes);
    throw error;
  }
}
