export { SqliteEventStore, type SqliteDurability, type SqliteEventStoreOptions } from './sqlite-event-store';
export { SqliteCheckpointStore } from './sqlite-checkpoint-store';
