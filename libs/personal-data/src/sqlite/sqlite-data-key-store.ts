import { openSqliteDatabase, type SqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { DataKey, RewrappableKeyStore, StoredDataKey } from '../data-key-store.port';
import { KeyWrapper } from '../master-keys';
import { newDataKey } from '../new-data-key';

type Row = { key_id: string; wrapped: string };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS data_keys (
    key_id     TEXT    PRIMARY KEY,
    subject_id TEXT    NOT NULL UNIQUE,
    wrapped    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
  );
`;

/**
 * The embedded key store: its own file beside the event store (DATA_DIR/keys.db),
 * never inside it, so erasing a key never touches the append-only file.
 *
 * Durability follows the event store's (EVENTSTORE_DURABILITY): `fsync`
 * (synchronous=FULL) puts a key on disk before any event encrypted with it is, or
 * a power loss could shred a ticket nobody erased; `os` (NORMAL) survives a
 * process crash, like the events it goes with. secure_delete and a WAL
 * truncate after each erasure: a deleted key is overwritten in the file, not left
 * in a free page or an old WAL frame for a disk image to recover.
 */
export class SqliteDataKeyStore implements RewrappableKeyStore {
  readonly database: SqliteDatabase;
  private readonly statements;
  private readonly now: () => number;

  constructor(
    path: string,
    private readonly wrapper: KeyWrapper = new KeyWrapper([]),
    options: { durability?: 'fsync' | 'os'; now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.database = openSqliteDatabase(path);
    this.database.pragma(options.durability === 'os' ? 'synchronous = NORMAL' : 'synchronous = FULL');
    this.database.pragma('secure_delete = ON');
    this.database.exec(SCHEMA);
    this.statements = {
      bySubject: this.database.prepare<[string], Row>('SELECT key_id, wrapped FROM data_keys WHERE subject_id = ?'),
      byId: this.database.prepare<[string], Row>('SELECT key_id, wrapped FROM data_keys WHERE key_id = ?'),
      insert: this.database.prepare('INSERT INTO data_keys (key_id, subject_id, wrapped, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject_id) DO NOTHING'),
      erase: this.database.prepare('DELETE FROM data_keys WHERE subject_id = ?'),
      all: this.database.prepare<[], Row>('SELECT key_id, wrapped FROM data_keys'),
      rewrap: this.database.prepare('UPDATE data_keys SET wrapped = ? WHERE key_id = ? AND wrapped = ?'),
    };
  }

  async keyFor(subjectId: string): Promise<DataKey> {
    const existing = this.statements.bySubject.get(subjectId);
    if (existing) return this.open(existing);
    const key = newDataKey();
    // Another process sharing the file may win the race: the UNIQUE subject keeps one key, and we read the winner.
    this.statements.insert.run(key.keyId, subjectId, this.wrapper.wrap(key.keyId, key.key), this.now());
    return this.open(this.statements.bySubject.get(subjectId)!);
  }

  async get(keyId: string): Promise<DataKey | null> {
    const row = this.statements.byId.get(keyId);
    return row ? this.open(row) : null;
  }

  async eraseSubject(subjectId: string): Promise<void> {
    const { changes } = this.statements.erase.run(subjectId);
    if (changes > 0) this.database.pragma('wal_checkpoint(TRUNCATE)');
  }

  async rewrapAll(): Promise<{ rewrapped: number; total: number }> {
    const rows = this.statements.all.all();
    let rewrapped = 0;
    this.database.transaction(() => {
      for (const row of rows) {
        if (this.wrapper.isCurrent(row.wrapped)) continue;
        const key = this.wrapper.unwrap(row.key_id, row.wrapped);
        rewrapped += this.statements.rewrap.run(this.wrapper.wrap(row.key_id, key), row.key_id, row.wrapped).changes;
      }
    })();
    if (rewrapped > 0) this.database.pragma('wal_checkpoint(TRUNCATE)');
    return { rewrapped, total: rows.length };
  }

  /** Every key as stored (wrapped as it is), for `npm run keys:copy-to-postgres`. */
  exportKeys(): StoredDataKey[] {
    return this.database
      .prepare<[], { key_id: string; subject_id: string; wrapped: string; created_at: number }>(
        'SELECT key_id, subject_id, wrapped, created_at FROM data_keys ORDER BY created_at',
      )
      .all()
      .map((r) => ({ keyId: r.key_id, subjectId: r.subject_id, wrapped: r.wrapped, createdAt: r.created_at }));
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  private open(row: Row): DataKey {
    return { keyId: row.key_id, key: this.wrapper.unwrap(row.key_id, row.wrapped) };
  }
}
