import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, type BlobInfo, type BlobStore, type PutOptions } from '../blob-store.port';
import { SizeLimit } from '../size-limit';

/**
 * Blobs as files under a root directory; content type in a `.meta.json` beside
 * each. Writes go to a temp file renamed into place, so a reader never sees a
 * half-written file and a failed upload leaves nothing behind. A temp file's
 * name starts with a hash of its key, so `delete` also finds the part a crashed
 * upload left behind (an erasure must not leave a user's photo in `.tmp/`).
 */
export class FilesystemBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(key: string, body: Readable, options: PutOptions): Promise<BlobInfo> {
    assertValidKey(key);
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(this.tmpDir(), `${partPrefix(key)}${randomUUID()}.part`);
    await mkdir(dirname(tmp), { recursive: true });
    const limit = new SizeLimit(options.maxBytes);
    try {
      await pipeline(body, limit, createWriteStream(tmp, { flags: 'wx' }));
      const info: BlobInfo = { key, size: limit.bytes, contentType: options.contentType };
      await writeFile(`${target}.meta.json`, JSON.stringify(info));
      await rename(tmp, target);
      return info;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<{ info: BlobInfo; body: Readable } | null> {
    const info = await this.head(key);
    if (!info) return null;
    // Opened before answering: a delete after this (an erasure) leaves the reader the
    // file it found, still open; one between head and open is a null (404), not a
    // stream that fails with ENOENT once the answer has begun (a 500).
    let file: FileHandle;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return { info: { ...info, size: (await file.stat()).size }, body: file.createReadStream() };
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    const path = this.pathOf(key);
    try {
      const [stats, meta] = await Promise.all([stat(path), readFile(`${path}.meta.json`, 'utf8')]);
      const { contentType } = JSON.parse(meta) as BlobInfo;
      return { key, size: stats.size, contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** The file, its meta file and any temp part of the key; no error when there is none. */
  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}.meta.json`, { force: true });
    const prefix = partPrefix(key);
    const parts = await readdir(this.tmpDir()).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const name of parts) if (name.startsWith(prefix)) await rm(join(this.tmpDir(), name), { force: true });
  }

  async close(): Promise<void> {}

  private tmpDir(): string {
    return join(this.root, '.tmp');
  }

  private pathOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

/** Temp part names start with this (a hash: keys have slashes, and names stay short). */
export function partPrefix(key: string): string {
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.`;
}
