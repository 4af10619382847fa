export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
export { encodePosition as encodeEventStoreDbPosition, decodePosition as decodeEventStoreDbPosition } from './eventstoredb-mapping';
