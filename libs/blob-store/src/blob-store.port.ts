import type { Readable } from 'node:stream';

/**
 * Bytes by key. `put` streams (never buffers a whole file) and is all-or-nothing:
 * if the source stream fails or passes `maxBytes`, nothing is left under the key
 * and an earlier object under it stays as it was.
 */
export type BlobInfo = { key: string; size: number; contentType: string };

export type PutOptions = { contentType: string; maxBytes?: number };

export interface BlobStore {
  put(key: string, body: Readable, options: PutOptions): Promise<BlobInfo>;
  get(key: string): Promise<{ info: BlobInfo; body: Readable } | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** No error when the key does not exist. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  readonly code = 'BLOB.TOO_LARGE';
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** Keys are ours (never a client's path): segments of safe characters, no "..". */
const KEY = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.length > 512) throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
}
