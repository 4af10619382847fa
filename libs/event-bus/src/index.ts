export * from './event-bus.port';
export { InProcessEventBus } from './memory/in-process-event-bus';
export { Relay, type RelayOptions } from './relay';
