import type { Pool } from 'pg';
import { tableNames, type TableNames } from './postgres-tables';

export type Migration = { version: number; name: string; sql: (t: TableNames) => string };

/**
 * Numbered, append-only: a shipped migration is never edited, a change is a new
 * one. Each runs once per schema, recorded in `schema_migrations`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events and checkpoints',
    sql: (t) => `
      CREATE TABLE ${t.events} (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- The writing transaction: readers order by (transaction_id, global_position)
        -- and stop below pg_snapshot_xmin, so a late commit is never skipped.
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        event_id        text        NOT NULL,
        stream_id       text        NOT NULL,
        revision        integer     NOT NULL,
        type            text        NOT NULL,
        -- json, not jsonb: kept byte for byte (key order, "\\u0000" in strings).
        data            json        NOT NULL,
        metadata        json        NOT NULL,
        recorded_at     timestamptz NOT NULL,
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
      );
      CREATE INDEX events_transaction_position_idx ON ${t.events} (transaction_id, global_position);
      CREATE TABLE ${t.checkpoints} (
        name       text        PRIMARY KEY,
        position   text        NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

/**
 * Brings the schema up to date. Safe when several processes start at once: they
 * queue on a transaction-scoped advisory lock (per database and schema), and each
 * migration commits together with its row in schema_migrations, so a crash
 * half-way leaves the schema as it was.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const t = tableNames(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('support-desk event store migrations ' || $1, 0))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql(t));
      await client.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
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
