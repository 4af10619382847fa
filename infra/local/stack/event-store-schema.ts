import pg from 'pg';

/**
 * A stack's event store lives in its own schema (EVENTSTORE_PG_SCHEMA; the
 * services create it at start). Tests and benchmarks drop theirs at the end so
 * the shared test database does not fill up with runs.
 */
export async function dropEventStoreSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
