import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RewrappableKeyStore } from '../data-key-store.port';
import { KeyWrapper, type MasterKey } from '../master-keys';

/**
 * Opens a store over the same backing data each time it is called (same file,
 * same schema) with the given master keys: the suite reopens it to rotate them.
 */
export type DataKeyStoreFactory = () => Promise<{
  open(wrapper: KeyWrapper): Promise<RewrappableKeyStore>;
  cleanup?: () => Promise<void>;
}>;

const master = (id: string): MasterKey => ({ id, key: Buffer.alloc(32, id.charCodeAt(0)) });

/** The one behaviour every DataKeyStore adapter must show: `dataKeyStoreContract('sqlite', async () => …)`. */
export function dataKeyStoreContract(adapterName: string, factory: DataKeyStoreFactory): void {
  describe(`DataKeyStore contract: ${adapterName}`, () => {
    let open: (wrapper: KeyWrapper) => Promise<RewrappableKeyStore>;
    let cleanup: (() => Promise<void>) | undefined;
    const opened: RewrappableKeyStore[] = [];
    const openStore = async (wrapper = new KeyWrapper([])) => {
      const store = await open(wrapper);
      opened.push(store);
      return store;
    };
    // Subjects unique per test: adapters on a shared server see each other's rows.
    const subject = () => `subject-${randomUUID()}`;

    beforeEach(async () => {
      ({ open, cleanup } = await factory());
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await cleanup?.();
    });

    it('gives a subject one 32-byte key, the same on every call, readable by its id', async () => {
      const store = await openStore();
      const alice = subject();
      const first = await store.keyFor(alice);
      expect(first.key).toHaveLength(32);
      expect((await store.keyFor(alice)).keyId).toBe(first.keyId);
      expect((await store.get(first.keyId))?.key.equals(first.key)).toBe(true);
    });

    it('gives different subjects different keys', async () => {
      const store = await openStore();
      const [a, b] = [await store.keyFor(subject()), await store.keyFor(subject())];
      expect(a.keyId).not.toBe(b.keyId);
      expect(a.key.equals(b.key)).toBe(false);
    });

    it('creates one key when callers race for a new subject', async () => {
      const [one, two] = [await openStore(), await openStore()];
      const alice = subject();
      const keys = await Promise.all([...Array.from({ length: 8 }, () => one.keyFor(alice)), ...Array.from({ length: 8 }, () => two.keyFor(alice))]);
      expect(new Set(keys.map((k) => k.keyId)).size).toBe(1);
      expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
    });

    it('answers null for an unknown key id', async () => {
      const store = await openStore();
      expect(await store.get(randomUUID())).toBeNull();
    });

    it('erases every key of a subject for good, idempotently, and leaves the others', async () => {
      const store = await openStore();
      const [alice, bob] = [subject(), subject()];
      const aliceKey = await store.keyFor(alice);
      const bobKey = await store.keyFor(bob);
      await store.eraseSubject(alice);
      await store.eraseSubject(alice);
      await store.eraseSubject(subject());
      expect(await store.get(aliceKey.keyId)).toBeNull();
      expect((await store.get(bobKey.keyId))?.key.equals(bobKey.key)).toBe(true);
      // A later key for the same subject is a new one: the erased key never comes back.
      const again = await store.keyFor(alice);
      expect(again.keyId).not.toBe(aliceKey.keyId);
      expect(again.key.equals(aliceKey.key)).toBe(false);
    });

    it('keeps keys across reopening (wrapped with the master key given)', async () => {
      const wrapped = new KeyWrapper([master('a')]);
      const alice = subject();
      const key = await (await openStore(wrapped)).keyFor(alice);
      const reopened = await openStore(wrapped);
      expect((await reopened.get(key.keyId))?.key.equals(key.key)).toBe(true);
      expect((await reopened.keyFor(alice)).keyId).toBe(key.keyId);
    });

    it('rotates the master key: re-wrapped with the first, readable without the old one', async () => {
      const alice = subject();
      const plainKey = await (await openStore(new KeyWrapper([]))).keyFor(alice);
      const oldKey = await (await openStore(new KeyWrapper([master('a')]))).keyFor(subject());
      // Old master still listed (second): it unwraps, the first wraps.
      const rotating = await openStore(new KeyWrapper([master('b'), master('a')]));
      const result = await rotating.rewrapAll();
      expect(result.rewrapped).toBeGreaterThanOrEqual(2);
      expect((await rotating.rewrapAll()).rewrapped).toBe(0);
      const onlyNew = await openStore(new KeyWrapper([master('b')]));
      expect((await onlyNew.get(plainKey.keyId))?.key.equals(plainKey.key)).toBe(true);
      expect((await onlyNew.get(oldKey.keyId))?.key.equals(oldKey.key)).toBe(true);
    });

    it('refuses, with a clear error, a key wrapped by a master key no longer listed', async () => {
      const key = await (await openStore(new KeyWrapper([master('a')]))).keyFor(subject());
      const other = await openStore(new KeyWrapper([master('b')]));
      await expect(other.get(key.keyId)).rejects.toThrow(/master key "a", which DATA_KEY_MASTER does not list/);
    });
  });
}
