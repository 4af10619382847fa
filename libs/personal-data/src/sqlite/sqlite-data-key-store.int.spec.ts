import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyWrapper } from '../master-keys';
import { dataKeyStoreContract } from '../testing';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

dataKeyStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  return {
    open: async (wrapper) => new SqliteDataKeyStore(join(dir, 'keys.db'), wrapper),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SqliteDataKeyStore file', () => {
  it('keeps no byte of an erased key in the file or its WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const path = join(dir, 'keys.db');
    try {
      // Unwrapped keys: the file holds them in base64url, so that is what must be gone.
      const store = new SqliteDataKeyStore(path, new KeyWrapper([]));
      const erased = await store.keyFor('alice');
      const kept = await store.keyFor('bob');
      for (let i = 0; i < 50; i++) await store.keyFor(`filler-${i}-${randomBytes(4).toString('hex')}`);
      const fileText = () =>
        [path, `${path}-wal`]
          .filter(existsSync)
          .map((f) => readFileSync(f).toString('latin1'))
          .join('');
      expect(fileText()).toContain(erased.key.toString('base64url'));
      await store.eraseSubject('alice');
      expect(fileText()).not.toContain(erased.key.toString('base64url'));
      expect(fileText()).not.toContain(erased.keyId);
      expect(fileText()).toContain(kept.key.toString('base64url'));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
