/**
 * Crypto-shredding: every data subject (the app user's uuid) has one data key;
 * their personal fields are stored encrypted with it, and erasing the subject
 * deletes the key, which makes every copy of those fields unreadable at once —
 * in an append-only store, in backups of it, in replays.
 */
export type DataKey = { keyId: string; key: Buffer /* 32 bytes, AES-256-GCM */ };

export interface DataKeyStore {
  /** The subject's current key; created (race-safe, one winner) when absent. */
  keyFor(subjectId: string): Promise<DataKey>;
  /** A key by id; null when its subject was erased (or it never existed). */
  get(keyId: string): Promise<DataKey | null>;
  /** Deletes every key of the subject, for good. Idempotent. */
  eraseSubject(subjectId: string): Promise<void>;
  close(): Promise<void>;
}

/** What the stored adapters (SQLite, PostgreSQL, memory) add for operators: master key rotation. */
export interface RewrappableKeyStore extends DataKeyStore {
  /**
   * Re-wraps every stored key with the first master key of DATA_KEY_MASTER (or
   * leaves them unwrapped when none is set). Returns how many rows changed.
   */
  rewrapAll(): Promise<{ rewrapped: number; total: number }>;
}

/** A stored key as it is at rest (wrapped or plain), for copying between stores. */
export type StoredDataKey = { keyId: string; subjectId: string; wrapped: string; createdAt: number };

export const DATA_KEY_BYTES = 32;
