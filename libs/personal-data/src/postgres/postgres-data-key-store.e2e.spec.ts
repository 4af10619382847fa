import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
