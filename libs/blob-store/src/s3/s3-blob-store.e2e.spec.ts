import { DeleteBucketCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { storedVersions } from './s3-versions.testing';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithRealServer, findS3, runId, type S3Endpoint } from '@support-desk/service-kit/testing';
import { BlobTooLargeError } from '../blob-store.port';
import { blobStoreContract, randomStream } from '../testing';
import { S3BlobStore } from './s3-blob-store';

// A key prefix per run inside the shared bucket; everything under it is deleted at the end.
const keyPrefix = `e2e-${runId()}/`;

describeWithRealServer('S3BlobStore', await findS3(), (endpoint) => {
  blobStoreContract('s3', async () => {
    const blobs = new S3BlobStore({ ...endpoint(), keyPrefix });
    await blobs.ensureBucket();
    return { blobs, storedVersions: (key) => storedVersions(endpoint(), `${keyPrefix}${key}`) };
  });

  it('ensureBucket creates a missing bucket and is idempotent', async () => {
    const bucket = `support-desk-e2e-${runId()}`;
    const blobs = new S3BlobStore({ ...endpoint(), bucket });
    try {
      await blobs.ensureBucket();
      await blobs.ensureBucket();
      await blobs.put('probe', Readable.from([Buffer.from('x')]), { contentType: 'text/plain' });
      await blobs.delete('probe');
    } finally {
      await blobs.close();
      const s3 = client(endpoint());
      await s3.send(new DeleteBucketCommand({ Bucket: bucket })).finally(() => s3.destroy());
    }
  });

  // Past one 5 MiB part the store switches to a multipart upload through one reused
  // part buffer: check the bytes survive it, and both ends of it.
  describe('multipart uploads', () => {
    const MiB = 1024 * 1024;
    /** Chunks that straddle part boundaries, so a part is filled from two chunks. */
    const oddChunks = (bytes: Buffer) =>
      Readable.from(Array.from({ length: Math.ceil(bytes.length / 99_991) }, (_, i) => bytes.subarray(i * 99_991, (i + 1) * 99_991)));

    it('streams a file of several parts, every byte in place', async () => {
      const blobs = new S3BlobStore({ ...endpoint(), keyPrefix });
      try {
        const bytes = randomBytes(17 * MiB + 123);
        const info = await blobs.put('multipart/ok', oddChunks(bytes), { contentType: 'application/octet-stream' });
        expect(info.size).toBe(bytes.length);
        expect(await blobs.head('multipart/ok')).toEqual(info);
        expect((await buffer((await blobs.get('multipart/ok'))!.body)).equals(bytes)).toBe(true);
      } finally {
        await blobs.close();
      }
    });

    it('a source failing in its second part leaves no parts and keeps the earlier object', async () => {
      const blobs = new S3BlobStore({ ...endpoint(), keyPrefix });
      try {
        const earlier = randomBytes(1000);
        await blobs.put('multipart/kept', Readable.from([earlier]), { contentType: 'text/plain' });
        const failing = Readable.from(
          (async function* () {
            yield randomBytes(6 * MiB);
            throw new Error('client went away');
          })(),
        );
        await expect(blobs.put('multipart/kept', failing, { contentType: 'text/plain' })).rejects.toThrow('client went away');
        expect((await buffer((await blobs.get('multipart/kept'))!.body)).equals(earlier)).toBe(true);
        expect(await pendingUploads(endpoint(), `${keyPrefix}multipart/kept`)).toEqual([]);
      } finally {
        await blobs.close();
      }
    });

    it('aborts a multipart upload that passes maxBytes: no object, no parts left', async () => {
      const blobs = new S3BlobStore({ ...endpoint(), keyPrefix });
      try {
        await expect(blobs.put('multipart/big', randomStream(20 * MiB), { contentType: 'text/plain', maxBytes: 12 * MiB })).rejects.toBeInstanceOf(
          BlobTooLargeError,
        );
        expect(await blobs.head('multipart/big')).toBeNull();
        expect(await pendingUploads(endpoint(), `${keyPrefix}multipart/big`)).toEqual([]);
      } finally {
        await blobs.close();
      }
    });
  });

  afterAll(async () => {
    await deletePrefix(endpoint(), keyPrefix);
  });
});

function client(server: S3Endpoint): S3Client {
  return new S3Client({ ...server, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

async function pendingUploads(server: S3Endpoint, key: string): Promise<string[]> {
  const s3 = client(server);
  try {
    const out = await s3.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: key }));
    return (out.Uploads ?? []).map((u) => u.UploadId ?? '?');
  } finally {
    s3.destroy();
  }
}

async function deletePrefix(server: S3Endpoint, prefix: string): Promise<void> {
  const s3 = client(server);
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) await s3.send(new DeleteObjectCommand({ Bucket: server.bucket, Key: o.Key }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    s3.destroy();
  }
}
