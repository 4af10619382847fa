import type { Pool } from 'pg';

/** One step of a schema: numbered, append-only (a shipped migration is never edited, a change is a new one). */
export type SchemaMigration = { version: number; name: string; sql: string };

export type MigrationTarget = {
  /** The schema, already quoted (pg's escapeIdentifier): it is configuration, never input. */
  quotedSchema: string;
  /** Names the advisory lock: stores sharing a database and schema must not share one. */
  lockName: string;
  migrations: readonly SchemaMigration[];
};

/**
 * Brings a schema up to date, recording each migration in its
 * `schema_migrations`. Safe when several processes start at once: they queue on
 * a transaction-scoped advisory lock, and each migration commits together with
 * its row, so a crash half-way leaves the schema as it was. Answers the versions
 * it applied.
 */
export async function applyMigrations(pool: Pool, target: MigrationTarget): Promise<number[]> {
  const s = target.quotedSchema;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [target.lockName]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...target.migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
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
