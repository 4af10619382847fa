export { PostgresEventStore } from './postgres-event-store';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
export {
  isPostgresUrl,
  postgresEventStoreConfigSchema,
  postgresOptionsFromConfig,
  POSTGRES_DEFAULTS,
  type Durability,
  type PostgresEventStoreConfig,
  type PostgresEventStoreOptions,
} from './postgres-options';
export { encodePosition as encodePostgresPosition, decodePosition as decodePostgresPosition } from './postgres-position';
export { migrate as migratePostgresEventStore, MIGRATIONS as POSTGRES_MIGRATIONS } from './postgres-migrations';
