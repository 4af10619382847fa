import pg from 'pg';
import { applyMigrations } from '@support-desk/service-kit/postgres';

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
 * Brings the key store's schema up to date (service-kit's runner: processes
 * starting together queue on an advisory lock, each migration commits with its row).
 */
export function migrateKeyStore(pool: pg.Pool, schema: string): Promise<number[]> {
  const quotedSchema = pg.escapeIdentifier(schema);
  return applyMigrations(pool, {
    quotedSchema,
    lockName: `support-desk key store migrations ${schema}`,
    migrations: MIGRATIONS.map((m) => ({ version: m.version, name: m.name, sql: m.sql(quotedSchema) })),
  });
}
