export { eventStoreContract, waitFor, type EventStoreFactory } from './event-store.contract';
