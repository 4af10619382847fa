export { eventBusContract, ticketMessage, type EventBusFactory } from './event-bus.contract';
