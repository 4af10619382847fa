export { eventStoreContract, type EventStoreFactory } from './event-store.contract';
