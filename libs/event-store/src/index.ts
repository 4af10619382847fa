export * from './event-store.port';
export * from './retry-backoff';
export * from './command-handler';
export { SqliteEventStore } from './sqlite/sqlite-event-store';
export { SqliteCheckpointStore } from './sqlite/sqlite-checkpoint-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export { EventStoreDbCheckpointStore } from './eventstoredb/eventstoredb-checkpoint-store';
export { encodePosition as encodeEventStoreDbPosition, decodePosition as decodeEventStoreDbPosition } from './eventstoredb/eventstoredb-mapping';
