import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobStoreContract } from '../testing';
import { FilesystemBlobStore, partPrefix } from './filesystem-blob-store';

/** Every file the store keeps for a key: the blob, its meta file, temp parts. */
function storedFor(dir: string, key: string): string[] {
  const path = join(dir, ...key.split('/'));
  const found = [path, `${path}.meta.json`].filter((p) => existsSync(p));
  const tmp = join(dir, '.tmp');
  if (existsSync(tmp)) found.push(...readdirSync(tmp).filter((n) => n.startsWith(partPrefix(key))));
  return found;
}

blobStoreContract('filesystem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-contract-'));
  return {
    blobs: new FilesystemBlobStore(dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    storedVersions: async (key) => storedFor(dir, key),
  };
});

describe('FilesystemBlobStore get while a delete runs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'blob-fs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('streams the blob it found even when it is deleted before the first read (an erasure racing a download)', async () => {
    const blobs = new FilesystemBlobStore(dir);
    await blobs.put('images/a.png', Readable.from([Buffer.from('png bytes')]), { contentType: 'image/png' });
    const found = await blobs.get('images/a.png');
    await blobs.delete('images/a.png');
    expect(await blobs.get('images/a.png')).toBeNull();
    const chunks: Buffer[] = [];
    for await (const chunk of found!.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('png bytes');
    expect(found!.info).toMatchObject({ size: 9, contentType: 'image/png' });
  });

  it('is null when the delete lands between finding the blob and opening it (not a stream that fails later)', async () => {
    class DeletedRightAfterHead extends FilesystemBlobStore {
      override async head(key: string) {
        const info = await super.head(key);
        await this.delete(key);
        return info;
      }
    }
    const blobs = new DeletedRightAfterHead(dir);
    await blobs.put('images/b.png', Readable.from([Buffer.from('png')]), { contentType: 'image/png' });
    expect(await blobs.get('images/b.png')).toBeNull();
  });
});

describe('FilesystemBlobStore delete', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'blob-fs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the part a crashed upload left in .tmp, and only that key's", async () => {
    const blobs = new FilesystemBlobStore(dir);
    await blobs.put('u/photo.jpg', Readable.from([Buffer.from('face')]), { contentType: 'image/jpeg' });
    // What a kill -9 mid-upload leaves: a part named for its key, never renamed into place.
    mkdirSync(join(dir, '.tmp'), { recursive: true });
    writeFileSync(join(dir, '.tmp', `${partPrefix('u/photo.jpg')}crashed.part`), 'half a face');
    writeFileSync(join(dir, '.tmp', `${partPrefix('u/other.jpg')}crashed.part`), 'someone else');
    expect(storedFor(dir, 'u/photo.jpg')).toHaveLength(3);

    await blobs.delete('u/photo.jpg');

    expect(storedFor(dir, 'u/photo.jpg')).toEqual([]);
    expect(readdirSync(join(dir, '.tmp'))).toEqual([`${partPrefix('u/other.jpg')}crashed.part`]);
  });

  it('deletes a key when nothing was ever uploaded (no .tmp dir)', async () => {
    await expect(new FilesystemBlobStore(dir).delete('never/there')).resolves.toBeUndefined();
  });
});
