import { DeleteObjectCommand, GetBucketVersioningCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { describeWithRealServer } from '@support-desk/service-kit/testing';
import { blobStoreContract } from '../testing';
import { S3BlobStore } from './s3-blob-store';
import { rawClient, storedVersions } from './s3-versions.testing';
import { versionedGateway } from './versioned-gateway.testing';

// Erasure (issue 15) on a versioned bucket: a plain DeleteObject there only adds a
// delete marker, and every earlier version stays readable by its id.
describeWithRealServer('S3BlobStore on a versioned bucket', versionedGateway(), (endpoint) => {
  it('the bucket really is versioned (else this suite proves nothing)', async () => {
    const s3 = rawClient(endpoint());
    try {
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: endpoint().bucket }))).Status).toBe('Enabled');
    } finally {
      s3.destroy();
    }
  });

  blobStoreContract('s3 versioned', async () => ({
    blobs: new S3BlobStore(endpoint()),
    storedVersions: (key) => storedVersions(endpoint(), key),
  }));

  describe('delete', () => {
    it('removes every version and delete marker, paging through them, and leaves keys it prefixes alone', async () => {
      const server = endpoint();
      const s3 = rawClient(server);
      // Page size 2: the versions of one key span several ListObjectVersions pages.
      const blobs = new S3BlobStore({ ...server, versionPageSize: 2 });
      try {
        const ids: string[] = [];
        for (const n of [1, 2, 3]) {
          const out = await s3.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg', Body: `face ${n}` }));
          ids.push(out.VersionId!);
        }
        await s3.send(new DeleteObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg' })); // a marker, as an old plain delete left
        await s3.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg', Body: 'face 4' }));
        await s3.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg.meta', Body: 'neighbour' }));
        expect(await storedVersions(server, 'u/photo.jpg')).toHaveLength(5);
        // What a plain delete would have left: the old bytes, readable by version id.
        const old = await s3.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg', VersionId: ids[0] }));
        expect(await old.Body!.transformToString()).toBe('face 1');

        await blobs.delete('u/photo.jpg');

        expect(await storedVersions(server, 'u/photo.jpg')).toEqual([]);
        for (const VersionId of ids) {
          await expect(s3.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'u/photo.jpg', VersionId }))).rejects.toThrow();
        }
        expect(await blobs.get('u/photo.jpg')).toBeNull();
        expect((await buffer((await blobs.get('u/photo.jpg.meta'))!.body)).toString()).toBe('neighbour');
        expect(await storedVersions(server, 'u/photo.jpg.meta')).toHaveLength(1);
      } finally {
        await blobs.close();
        s3.destroy();
      }
    });

    it('a blob put through the store, overwritten, then deleted: nothing readable by any version id', async () => {
      const server = endpoint();
      const blobs = new S3BlobStore(server);
      const s3 = rawClient(server);
      try {
        await blobs.put('u/log.txt', Readable.from([Buffer.from('email a@example.org')]), { contentType: 'text/plain' });
        await blobs.put('u/log.txt', Readable.from([Buffer.from('phone +33 6 12 34 56 78')]), { contentType: 'text/plain' });
        const before = await storedVersions(server, 'u/log.txt');
        expect(before).toHaveLength(2);
        await blobs.delete('u/log.txt');
        for (const v of before) {
          const VersionId = v.split(':')[1];
          await expect(s3.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'u/log.txt', VersionId }))).rejects.toThrow();
        }
        expect(await storedVersions(server, 'u/log.txt')).toEqual([]);
      } finally {
        await blobs.close();
        s3.destroy();
      }
    });
  });
});
