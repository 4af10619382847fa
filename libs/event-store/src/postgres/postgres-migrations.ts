import type { Pool } from 'pg';
import { applyMigrations } from '@support-desk/service-kit/postgres';
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
 * Brings the schema up to date (service-kit's runner: advisory lock per
 * database and schema, each migration committed with its row).
 */
export function migrate(pool: Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const t = tableNames(schema);
  return applyMigrations(pool, {
    quotedSchema: t.schema,
    // The lock's name (and so its key) is what it was when this file ran migrations itself.
    lockName: `support-desk event store migrations ${schema}`,
    migrations: migrations.map((m) => ({ version: m.version, name: m.name, sql: m.sql(t) })),
  });
}
