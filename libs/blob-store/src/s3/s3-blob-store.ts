import { pipeline, Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertValidKey, BlobTooLargeError, type BlobInfo, type BlobStore, type PutOptions } from '../blob-store.port';
import { SizeLimit } from '../size-limit';
import { streamUpload } from './s3-stream-upload';

export type S3BlobStoreOptions = {
  bucket: string;
  region: string;
  /** For S3-compatible servers (versitygw, ...); omit for AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local servers have no per-bucket DNS names: true for them. */
  forcePathStyle?: boolean;
  /** Prepended to every key, e.g. "support-desk/" to share a bucket. */
  keyPrefix?: string;
  /** Versions per ListObjectVersions page when deleting (S3's default 1000); tests page with a small one. */
  versionPageSize?: number;
};

/**
 * Blobs as S3 objects. Uploads stream in 5 MiB parts through one reused buffer
 * (s3-stream-upload.ts), so memory stays flat whatever the file size; a failed
 * upload is aborted, which leaves neither an object nor orphaned multipart parts,
 * and never touches an object already under the key.
 */
export class S3BlobStore implements BlobStore {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly versionPageSize: number | undefined;

  constructor(options: S3BlobStoreOptions) {
    this.versionPageSize = options.versionPageSize;
    this.bucket = options.bucket;
    this.prefix = options.keyPrefix ?? '';
    if (this.prefix !== '') assertValidKey(this.prefix.replace(/\/$/, ''));
    this.s3 = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      forcePathStyle: options.forcePathStyle ?? false,
      // Newer SDKs add CRC checksums to every request and check them on every
      // response; S3-compatible servers may not support that, so only when an API requires it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket unless it is there; call once at start. */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // Another process won the race: the bucket exists, which is all we wanted.
      if (!(error instanceof S3ServiceException && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name))) throw error;
    }
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<BlobInfo> {
    assertValidKey(key);
    const limit = new SizeLimit(options.maxBytes);
    // pipeline, not pipe: a source error, or a source that just stops (client gone),
    // destroys the limit stream the upload reads, so the upload fails instead of
    // waiting forever; an oversize error from the limit stops reading the source.
    pipeline(body, limit, () => undefined); // the outcome is reported by streamUpload
    try {
      await streamUpload(this.s3, { Bucket: this.bucket, Key: this.objectKey(key), ContentType: options.contentType }, limit, options.maxBytes);
    } catch (error) {
      limit.destroy(); // and so, through pipeline, the source
      throw findTooLarge(error) ?? error;
    }
    return { key, size: limit.bytes, contentType: options.contentType };
  }

  async get(key: string): Promise<{ info: BlobInfo; body: Readable } | null> {
    assertValidKey(key);
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(out.Body instanceof Readable)) throw new Error('S3 returned a body that is not a Node stream');
      return { info: { key, size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' }, body: out.Body };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * Removes the object and every stored version of it. On a versioned bucket a
   * plain DeleteObject only adds a delete marker and keeps every older version
   * readable by id, which is not an erasure: so every version and delete marker
   * of exactly this key is deleted by its VersionId ("null" on an unversioned
   * bucket, which S3 accepts too). A put racing the delete may add a version
   * after the listing, hence a few rounds until none is left. Unfinished
   * multipart uploads of the key (a crashed upload's parts) are aborted as well.
   * A missing key is no error. On AWS the credentials need s3:ListBucketVersions,
   * s3:DeleteObjectVersion and s3:ListBucketMultipartUploads besides s3:DeleteObject:
   * without them delete fails (loudly, rather than leave old versions readable).
   */
  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const Key = this.objectKey(key);
    for (let round = 0; round < MAX_DELETE_ROUNDS; round++) {
      const versions = await this.versionsOf(Key);
      if (versions === 'unsupported') {
        await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
        return;
      }
      if (versions.length === 0) {
        await this.abortUploadsOf(Key);
        return;
      }
      for (const VersionId of versions) await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key, VersionId }));
    }
    throw new Error(`S3 delete: versions of ${key} keep appearing (a writer is still putting it)`);
  }

  /**
   * The version ids (objects and delete markers) stored under exactly this key;
   * a prefix listing also returns longer keys ("a/b" lists "a/b.meta"), which
   * are skipped. Keys sort after their prefix, so paging stops once the listing
   * moves past this key. 'unsupported' for a server without ListObjectVersions.
   */
  private async versionsOf(Key: string): Promise<string[] | 'unsupported'> {
    const ids: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.s3.send(
          new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: Key, KeyMarker, VersionIdMarker, MaxKeys: this.versionPageSize }),
        );
      } catch (error) {
        if (error instanceof S3ServiceException && (error.name === 'NotImplemented' || error.$metadata.httpStatusCode === 501)) return 'unsupported';
        throw error;
      }
      for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (v.Key === Key) ids.push(v.VersionId ?? 'null');
      }
      if (!page.IsTruncated || page.NextKeyMarker !== Key) return ids;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
  }

  private async abortUploadsOf(Key: string): Promise<void> {
    let out;
    try {
      out = await this.s3.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: Key }));
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 501) return;
      throw error;
    }
    for (const u of out.Uploads ?? []) {
      if (u.Key === Key && u.UploadId) await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: u.UploadId }));
    }
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }

  private objectKey(key: string): string {
    return `${this.prefix}${key}`;
  }
}

/** Rounds of list-and-delete before a delete gives up on a key a writer keeps putting. */
const MAX_DELETE_ROUNDS = 5;

/** HEAD has no body, so a missing object or bucket shows only as a bare 404. */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || error.name === 'NoSuchBucket' || error.$metadata.httpStatusCode === 404;
}

/** The size error may arrive wrapped (as a stream error's cause); dig it out so callers can map it to 413. */
function findTooLarge(error: unknown): BlobTooLargeError | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlobTooLargeError) return e;
  }
  return undefined;
}
