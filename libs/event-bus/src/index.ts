export * from './event-bus.port';
export { InProcessEventBus } from './memory/in-process-event-bus';
export { Relay, type RelayOptions } from './relay';
export { KafkaEventBus, DEFAULT_TICKET_TOPIC, type KafkaEventBusOptions } from './kafka/kafka-event-bus';
export { type GroupConsumerTuning } from './kafka/kafka-group-consumer';
export { decodeKafkaMessage, encodeBusMessage, KAFKA_HEADERS, MessageDecodeError, type RawKafkaMessage } from './kafka/kafka-message-codec';
export { DLQ_HEADERS, deadLetterTopicOf, readDeadLetterMessages, readDeadLetters } from './kafka/kafka-dead-letters';
