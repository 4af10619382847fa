import type { DataKey, DataKeyStore, RewrappableKeyStore } from './data-key-store.port';
import { RecentMap } from './recent-map';

export type KeyCacheOptions = {
  /** How long a key (or "no such key") is reused without asking the store. Default DATA_KEY_CACHE_TTL_MS. */
  ttlMs?: number;
  /** Most keys held (at least half of them kept); the least recently fetched go first. Default DATA_KEY_CACHE_ENTRIES. */
  maxEntries?: number;
  now?: () => number;
};

/**
 * How long after an erasure another process may still decrypt that subject's
 * events: its cached copy of the key lives at most this long. Erasure still
 * wins: `eraseSubject` deletes the key from the store (and from this process's
 * cache at once), no process fetches it again, and every other cache forgets it
 * within this bound. So anything that must not see the data again (a read-model
 * anonymisation that must not be undone by a late projection) either waits this
 * long after the key is gone or, like the read model, keeps an erased view
 * erased whatever arrives later.
 */
export const DATA_KEY_CACHE_TTL_MS = 60_000;

/** Keys a process keeps by default: the users active within a minute of a busy desk. A rebuild keeps more (its CLI). */
export const DATA_KEY_CACHE_ENTRIES = 10_000;

type Entry<T> = { value: T; expiresAt: number };

/**
 * Keeps data keys in memory briefly: an intake append or a replay then costs
 * AES alone, not a key-store round trip per event. Bounded in size and time.
 */
export class CachedDataKeyStore implements RewrappableKeyStore {
  private readonly byId: RecentMap<string, Entry<DataKey | null>>;
  private readonly bySubject: RecentMap<string, Entry<DataKey>>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: DataKeyStore,
    options: KeyCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DATA_KEY_CACHE_TTL_MS;
    // Two generations of half the size each (RecentMap): a rebuild misses the cache for most of its
    // users, and evicting the oldest key of one Map on each miss walked V8's tombstones (~2 % of a rebuild).
    const generation = Math.max(1, Math.ceil((options.maxEntries ?? DATA_KEY_CACHE_ENTRIES) / 2));
    this.byId = new RecentMap(generation);
    this.bySubject = new RecentMap(generation);
    this.now = options.now ?? Date.now;
  }

  async keyFor(subjectId: string): Promise<DataKey> {
    const hit = this.fresh(this.bySubject, subjectId);
    if (hit) return hit.value;
    const key = ownMemory(await this.store.keyFor(subjectId));
    this.put(this.bySubject, subjectId, key);
    this.put(this.byId, key.keyId, key);
    return key;
  }

  async get(keyId: string): Promise<DataKey | null> {
    const hit = this.fresh(this.byId, keyId);
    if (hit) return hit.value;
    const fetched = await this.store.get(keyId);
    const key = fetched && ownMemory(fetched);
    this.put(this.byId, keyId, key);
    return key;
  }

  async eraseSubject(subjectId: string): Promise<void> {
    await this.store.eraseSubject(subjectId);
    this.bySubject.delete(subjectId);
    // Keys read by id don't say whose they are; erasures are rare, so forget them all rather than keep the erased one.
    this.byId.clear();
  }

  async rewrapAll(): Promise<{ rewrapped: number; total: number }> {
    const store = this.store as Partial<RewrappableKeyStore>;
    if (!store.rewrapAll) throw new Error('this key store keeps no wrapped keys');
    return store.rewrapAll();
  }

  close(): Promise<void> {
    this.byId.clear();
    this.bySubject.clear();
    return this.store.close();
  }

  private fresh<T>(map: RecentMap<string, Entry<T>>, id: string): Entry<T> | undefined {
    const entry = map.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    map.delete(id);
    return undefined;
  }

  private put<T>(map: RecentMap<string, Entry<T>>, id: string, value: T): void {
    map.set(id, { value, expiresAt: this.now() + this.ttlMs });
  }
}

/**
 * The key in 32 bytes of its own. A small Buffer (from base64, or a decipher) is a
 * slice of Node's shared 8 KiB pool, and keeping it keeps the whole pool: a cache
 * of 40,000 such keys held hundreds of MB (a rebuild at 200,000 tickets).
 */
function ownMemory({ keyId, key }: DataKey): DataKey {
  const own = Buffer.allocUnsafeSlow(key.length);
  key.copy(own);
  return { keyId, key: own };
}
