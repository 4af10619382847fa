import { describeWithRealServer, findPostgres } from '@support-desk/service-kit/testing';
import { eventStoreContract } from '../testing';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { dropSchema, uniqueSchema } from './postgres-test-support';

// Runs against POSTGRES_TEST_URL (infra/local/start.sh prints it) or a postgres
// container when Docker answers; otherwise skipped with the reason printed. Each
// test gets its own schema, dropped afterwards.
describeWithRealServer('PostgresEventStore', await findPostgres(), (endpoint) => {
  eventStoreContract('postgres', async () => {
    const schema = uniqueSchema('contract');
    const store = await PostgresEventStore.connect(endpoint().url, { schema, poolSize: 4 });
    return { store, checkpoints: new PostgresCheckpointStore(store), cleanup: () => dropSchema(endpoint().url, schema) };
  });
});
