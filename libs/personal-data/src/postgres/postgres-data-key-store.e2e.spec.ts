import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWithRealServer, findPostgres } from '@support-desk/service-kit/testing';
import { dataKeyStoreContract } from '../testing';
import { PostgresDataKeyStore } from './postgres-data-key-store';

// Runs against POSTGRES_TEST_URL (source /tmp/infra.env; infra/local/start.sh prints it) or a
// postgres container when Docker answers; otherwise skipped with the reason printed.
describeWithRealServer('PostgresDataKeyStore', await findPostgres(), (endpoint) => {
  dataKeyStoreContract('postgres', async () => {
    const schema = `pd_test_${randomBytes(6).toString('hex')}`;
    return {
      open: (wrapper) => PostgresDataKeyStore.connect(endpoint().url, { schema, wrapper, poolSize: 4 }),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: endpoint().url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
        await client.end();
      },
    };
  });
});

describeWithRealServer('copying embedded keys to PostgreSQL', await findPostgres(), (endpoint) => {
  it('copies keys wrapped as they are, skips them on a rerun, and reports a subject that has another key', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteDataKeyStore } = await import('../sqlite');
    const dir = mkdtempSync(join(tmpdir(), 'keys-copy-'));
    const schema = `pd_test_${randomBytes(6).toString('hex')}`;
    const sqlite = new SqliteDataKeyStore(join(dir, 'keys.db'));
    const pgStore = await PostgresDataKeyStore.connect(endpoint().url, { schema, poolSize: 2 });
    try {
      const alice = await sqlite.keyFor('alice');
      await sqlite.keyFor('bob');
      await pgStore.keyFor('bob'); // bob already has another key on the server
      const first = await pgStore.importKeys(sqlite.exportKeys());
      expect(first.imported).toBe(1);
      expect(first.conflicts).toHaveLength(1);
      expect((await pgStore.get(alice.keyId))?.key.equals(alice.key)).toBe(true);
      expect((await pgStore.keyFor('alice')).keyId).toBe(alice.keyId);
      const again = await pgStore.importKeys(sqlite.exportKeys());
      expect(again).toMatchObject({ imported: 0, present: 1 });
    } finally {
      await sqlite.close();
      await pgStore.close();
      rmSync(dir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: endpoint().url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      await client.end();
    }
  });
});
