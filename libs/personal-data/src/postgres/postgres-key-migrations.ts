import pg from 'pg';

type Migration = { version: number; name: string; sql: (schema: string) => string };

/** Numbered, append-only, like the event store's (libs/event-store/src/postgres/postgres-migrations.ts). */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'data keys',
    sql: (s) => `
      CREATE TABLE ${s}.data_keys (
        key_id     text        PRIMARY KEY,
        subject_id text        NOT NULL UNIQUE,
        -- "m1.<master id>.…" wrapped with DATA_KEY_MASTER, or "plain.…" when none is set.
        wrapped    text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/**
 * Brings the key store's schema up to date; processes starting together queue on
 * a transaction-scoped advisory lock, and each migration commits with its row.
 */
export async function migrateKeyStore(pool: pg.Pool, schema: string): Promise<number[]> {
  const s = pg.escapeIdentifier(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('support-desk key store migrations ' || $1, 0))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
