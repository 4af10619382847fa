export * from './event-store.port';
export * from './retry-backoff';
export * from './command-handler';
export { SqliteEventStore } from './sqlite/sqlite-event-store';
export { SqliteCheckpointStore } from './sqlite/sqlite-checkpoint-store';
