export { SqliteEventStore } from './sqlite-event-store';
export { SqliteCheckpointStore } from './sqlite-checkpoint-store';
