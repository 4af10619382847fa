export * from './event-store-metrics';
export * from './bus-metrics';
export * from './kafka-lag-metrics';
export * from './relay-metrics';
export * from './zendesk-metrics';
export * from './projection-metrics';
export * from './instrument-adapters';
