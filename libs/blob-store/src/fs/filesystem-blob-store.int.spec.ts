import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobStoreContract } from '../testing';
import { FilesystemBlobStore } from './filesystem-blob-store';

blobStoreContract('filesystem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-contract-'));
  return { blobs: new FilesystemBlobStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
