import pg from 'pg';
import type { DataKey, RewrappableKeyStore, StoredDataKey } from '../data-key-store.port';
import { KeyWrapper } from '../master-keys';
import { newDataKey } from '../new-data-key';
import { migrateKeyStore } from './postgres-key-migrations';

export type PostgresDataKeyStoreOptions = {
  /** Schema of the keys table, created at start. Default `personal_data` (beside the event store's `eventstore`). */
  schema?: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  wrapper?: KeyWrapper;
};

type Row = { key_id: string; wrapped: string };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Stack mode's key store: a table on the PostgreSQL server of the event store
 * (its own schema), shared by every process. Writes are synchronous_commit=on
 * whatever the event store's durability: a key lost in a crash would shred the
 * events already written with it.
 *
 * A deleted row stays in the table's dead tuples (until VACUUM), in the WAL and
 * in backups: set DATA_KEY_MASTER so what lingers there is wrapped, and unreadable
 * once the master key that wrapped it is rotated away.
 */
export class PostgresDataKeyStore implements RewrappableKeyStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly table: string,
    private readonly wrapper: KeyWrapper,
  ) {}

  static async connect(url: string, options: PostgresDataKeyStoreOptions = {}): Promise<PostgresDataKeyStore> {
    const schema = options.schema ?? 'personal_data';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`PostgreSQL key store: schema "${schema}" must be a lower-case SQL identifier`);
    const statementTimeout = options.statementTimeoutMs ?? 10_000;
    const pool = new pg.Pool({
      connectionString: url,
      options: '-c synchronous_commit=on',
      statement_timeout: statementTimeout,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      max: options.poolSize ?? 4,
      fallback_application_name: 'support-desk-key-store',
      keepAlive: true,
      idleTimeoutMillis: 30_000,
    });
    // An idle client's error (server restart) must not crash the process: the pool drops that client.
    pool.on('error', () => undefined);
    try {
      await migrateKeyStore(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDataKeyStore(pool, `${pg.escapeIdentifier(schema)}.data_keys`, options.wrapper ?? new KeyWrapper([]));
  }

  async keyFor(subjectId: string): Promise<DataKey> {
    const existing = await this.pool.query<Row>(`SELECT key_id, wrapped FROM ${this.table} WHERE subject_id = $1`, [subjectId]);
    if (existing.rows[0]) return this.open(existing.rows[0]);
    const key = newDataKey();
    // Racing writers: ON CONFLICT keeps the first key; everyone reads the winner back.
    const inserted = await this.pool.query<Row>(
      `INSERT INTO ${this.table} (key_id, subject_id, wrapped) VALUES ($1, $2, $3)
       ON CONFLICT (subject_id) DO NOTHING RETURNING key_id, wrapped`,
      [key.keyId, subjectId, this.wrapper.wrap(key.keyId, key.key)],
    );
    if (inserted.rows[0]) return key;
    const winner = await this.pool.query<Row>(`SELECT key_id, wrapped FROM ${this.table} WHERE subject_id = $1`, [subjectId]);
    if (!winner.rows[0]) throw new Error('data key vanished while being created (erased at the same moment?); retry');
    return this.open(winner.rows[0]);
  }

  async get(keyId: string): Promise<DataKey | null> {
    const { rows } = await this.pool.query<Row>(`SELECT key_id, wrapped FROM ${this.table} WHERE key_id = $1`, [keyId]);
    return rows[0] ? this.open(rows[0]) : null;
  }

  async eraseSubject(subjectId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE subject_id = $1`, [subjectId]);
  }

  async rewrapAll(): Promise<{ rewrapped: number; total: number }> {
    const { rows } = await this.pool.query<Row>(`SELECT key_id, wrapped FROM ${this.table}`);
    let rewrapped = 0;
    for (const row of rows) {
      if (this.wrapper.isCurrent(row.wrapped)) continue;
      const wrapped = this.wrapper.wrap(row.key_id, this.wrapper.unwrap(row.key_id, row.wrapped));
      // Compare-and-set: a key erased or re-wrapped meanwhile is left as it is.
      const result = await this.pool.query(`UPDATE ${this.table} SET wrapped = $1 WHERE key_id = $2 AND wrapped = $3`, [wrapped, row.key_id, row.wrapped]);
      rewrapped += result.rowCount ?? 0;
    }
    return { rewrapped, total: rows.length };
  }

  /**
   * Adds keys copied from another store, wrapped as they were (so DATA_KEY_MASTER
   * must list the master key that wrapped them). A key id already here is left
   * alone (a rerun); a subject that already has another key here is reported:
   * the copied events encrypted with the other key would read as erased.
   */
  async importKeys(keys: readonly StoredDataKey[]): Promise<{ imported: number; present: number; conflicts: string[] }> {
    let imported = 0;
    let present = 0;
    const conflicts: string[] = [];
    for (const k of keys) {
      const result = await this.pool.query(
        `INSERT INTO ${this.table} (key_id, subject_id, wrapped, created_at) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0)) ON CONFLICT DO NOTHING`,
        [k.keyId, k.subjectId, k.wrapped, k.createdAt],
      );
      if (result.rowCount) imported++;
      else if ((await this.pool.query(`SELECT 1 FROM ${this.table} WHERE key_id = $1`, [k.keyId])).rowCount) present++;
      else conflicts.push(k.keyId);
    }
    return { imported, present, conflicts };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private open(row: Row): DataKey {
    return { keyId: row.key_id, key: this.wrapper.unwrap(row.key_id, row.wrapped) };
  }
}
