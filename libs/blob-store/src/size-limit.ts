import { Transform, type TransformCallback } from 'node:stream';
import { BlobTooLargeError } from './blob-store.port';

/** Counts bytes as they pass and fails the stream the moment it passes the limit. */
export class SizeLimit extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) callback(new BlobTooLargeError(this.maxBytes));
    else callback(null, chunk);
  }
}
