// The port, the relay and the in-process bus (no dependencies). Kafka lives behind
// `@support-desk/event-bus/kafka` so only processes on Kafka load kafkajs and avsc.
export * from './event-bus.port';
export { InProcessEventBus } from './memory/in-process-event-bus';
export { Relay, type RelayOptions } from './relay';
