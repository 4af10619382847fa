import pg from 'pg';
import { runId } from '@support-desk/service-kit/testing';

export { TcpProxy } from '@support-desk/service-kit/testing';

/** For e2e suites only. A schema name no other run or test uses. */
export function uniqueSchema(purpose: string): string {
  return `es_test_${purpose}_${runId()}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
