import type { DataKey, RewrappableKeyStore } from '../data-key-store.port';
import { KeyWrapper } from '../master-keys';
import { newDataKey } from '../new-data-key';

type Row = { keyId: string; subjectId: string; wrapped: string };

/** For unit tests and tools: keys live as long as the object. */
export class MemoryDataKeyStore implements RewrappableKeyStore {
  constructor(
    private readonly wrapper: KeyWrapper = new KeyWrapper([]),
    private readonly bySubject = new Map<string, Row>(),
    private readonly byId = new Map<string, Row>(),
  ) {}

  /** The same keys seen through other master keys, as a reopened file or schema would be. */
  withWrapper(wrapper: KeyWrapper): MemoryDataKeyStore {
    return new MemoryDataKeyStore(wrapper, this.bySubject, this.byId);
  }

  async keyFor(subjectId: string): Promise<DataKey> {
    let row = this.bySubject.get(subjectId);
    if (!row) {
      const key = newDataKey();
      row = { keyId: key.keyId, subjectId, wrapped: this.wrapper.wrap(key.keyId, key.key) };
      this.bySubject.set(subjectId, row);
      this.byId.set(row.keyId, row);
    }
    return { keyId: row.keyId, key: this.wrapper.unwrap(row.keyId, row.wrapped) };
  }

  async get(keyId: string): Promise<DataKey | null> {
    const row = this.byId.get(keyId);
    return row ? { keyId, key: this.wrapper.unwrap(keyId, row.wrapped) } : null;
  }

  async eraseSubject(subjectId: string): Promise<void> {
    const row = this.bySubject.get(subjectId);
    if (!row) return;
    this.bySubject.delete(subjectId);
    this.byId.delete(row.keyId);
  }

  async rewrapAll(): Promise<{ rewrapped: number; total: number }> {
    let rewrapped = 0;
    for (const row of this.byId.values()) {
      if (this.wrapper.isCurrent(row.wrapped)) continue;
      row.wrapped = this.wrapper.wrap(row.keyId, this.wrapper.unwrap(row.keyId, row.wrapped));
      rewrapped++;
    }
    return { rewrapped, total: this.byId.size };
  }

  /** What is stored for a key (tests look for key bytes in it). */
  storedForm(keyId: string): string | undefined {
    return this.byId.get(keyId)?.wrapped;
  }

  async close(): Promise<void> {}
}
