import { escapeIdentifier } from 'pg';

/** Quoted, schema-qualified names, built once: the schema is configuration, never input. */
export type TableNames = { schema: string; events: string; checkpoints: string; migrations: string; channel: string };

export function tableNames(schema: string): TableNames {
  const s = escapeIdentifier(schema);
  return {
    schema: s,
    events: `${s}.events`,
    checkpoints: `${s}.checkpoints`,
    migrations: `${s}.schema_migrations`,
    // NOTIFY channel (at most 63 bytes): one per schema, so two stores in one database don't wake each other.
    channel: `events_appended_${schema}`.slice(0, 63),
  };
}
