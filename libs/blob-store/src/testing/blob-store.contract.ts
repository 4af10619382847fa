import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobTooLargeError, type BlobStore } from '../blob-store.port';

export type BlobStoreFactory = () => Promise<{
  blobs: BlobStore;
  cleanup?: () => Promise<void>;
  /**
   * What the backend still stores for a key, read around the port (files and
   * temp parts on disk, S3 object versions and delete markers): erasure needs
   * "gone" to mean gone, not just "head answers null".
   */
  storedVersions?: (key: string) => Promise<string[]>;
}>;

/** A stream of `total` random bytes in `chunk`-sized pieces, never held whole. */
export function randomStream(total: number, chunk = 64 * 1024): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(chunk, total - sent);
      sent += n;
      this.push(randomBytes(n));
    },
  });
}

function failingStream(afterBytes: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(afterBytes));
      } else this.destroy(new Error('client went away'));
    },
  });
}

/** The behaviour every BlobStore adapter must show. */
export function blobStoreContract(adapterName: string, factory: BlobStoreFactory): void {
  describe(`BlobStore contract: ${adapterName}`, () => {
    let blobs: BlobStore;
    let cleanup: (() => Promise<void>) | undefined;
    let storedVersions: ((key: string) => Promise<string[]>) | undefined;
    let key: (name: string) => string;

    beforeEach(async () => {
      ({ blobs, cleanup, storedVersions } = await factory());
      const run = randomUUID();
      key = (name) => `contract/${run}/${name}`;
    });
    afterEach(async () => {
      await blobs.close();
      await cleanup?.();
    });

    it('streams bytes in and out unchanged, with size and content type', async () => {
      const bytes = randomBytes(300_000);
      const info = await blobs.put(key('a.bin'), Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), { contentType: 'image/png' });
      expect(info).toEqual({ key: key('a.bin'), size: bytes.length, contentType: 'image/png' });
      expect(await blobs.head(key('a.bin'))).toEqual(info);
      const got = await blobs.get(key('a.bin'));
      expect(got?.info).toEqual(info);
      expect((await buffer(got!.body)).equals(bytes)).toBe(true);
    });

    it('stores an empty blob', async () => {
      const info = await blobs.put(key('empty'), Readable.from([]), { contentType: 'text/plain' });
      expect(info.size).toBe(0);
      expect((await buffer((await blobs.get(key('empty')))!.body)).length).toBe(0);
    });

    it('answers null for a missing key, and deleting it is fine', async () => {
      expect(await blobs.head(key('missing'))).toBeNull();
      expect(await blobs.get(key('missing'))).toBeNull();
      await expect(blobs.delete(key('missing'))).resolves.toBeUndefined();
    });

    it('deletes', async () => {
      await blobs.put(key('d'), Readable.from([Buffer.from('x')]), { contentType: 'text/plain' });
      await blobs.delete(key('d'));
      expect(await blobs.head(key('d'))).toBeNull();
    });

    it('after a delete no version of an overwritten blob is readable or stored', async () => {
      const secret = (n: number) => Buffer.from(`personal photo ${n} of ${key('')}`);
      for (const n of [1, 2, 3]) await blobs.put(key('v'), Readable.from([secret(n)]), { contentType: 'image/jpeg' });
      if (storedVersions) expect((await storedVersions(key('v'))).length).toBeGreaterThan(0);
      await blobs.delete(key('v'));
      expect(await blobs.head(key('v'))).toBeNull();
      expect(await blobs.get(key('v'))).toBeNull();
      if (storedVersions) expect(await storedVersions(key('v'))).toEqual([]);
      await expect(blobs.delete(key('v'))).resolves.toBeUndefined(); // a rerun of the erasure step
    });

    it('a delete leaves keys it is a prefix of alone', async () => {
      for (const name of ['p', 'p.meta', 'p-2', 'pq']) {
        await blobs.put(key(name), Readable.from([Buffer.from(name)]), { contentType: 'text/plain' });
      }
      await blobs.delete(key('p'));
      expect(await blobs.head(key('p'))).toBeNull();
      for (const name of ['p.meta', 'p-2', 'pq']) {
        expect((await buffer((await blobs.get(key(name)))!.body)).toString()).toBe(name);
      }
    });

    it('refuses a stream over maxBytes while streaming and leaves nothing', async () => {
      await expect(blobs.put(key('big'), randomStream(3 * 1024 * 1024), { contentType: 'text/plain', maxBytes: 1024 * 1024 })).rejects.toBeInstanceOf(
        BlobTooLargeError,
      );
      expect(await blobs.head(key('big'))).toBeNull();
    });

    it('leaves nothing when the source stream fails, and keeps an earlier blob intact', async () => {
      await blobs.put(key('keep'), Readable.from([Buffer.from('original')]), { contentType: 'text/plain' });
      await expect(blobs.put(key('keep'), failingStream(10_000), { contentType: 'text/plain' })).rejects.toThrow();
      await expect(blobs.put(key('fresh'), failingStream(10_000), { contentType: 'text/plain' })).rejects.toThrow();
      expect(await blobs.head(key('fresh'))).toBeNull();
      expect((await buffer((await blobs.get(key('keep')))!.body)).toString()).toBe('original');
    });

    it('rejects keys that could escape its namespace', async () => {
      for (const bad of ['../x', 'a/../../b', '/abs', '', 'a//b']) {
        await expect(blobs.put(bad, Readable.from([Buffer.from('x')]), { contentType: 'text/plain' })).rejects.toThrow(/Invalid blob key/);
      }
    });
  });
}
