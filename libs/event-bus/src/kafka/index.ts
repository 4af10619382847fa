export { KafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus';
export { type GroupConsumerTuning } from './kafka-group-consumer';
export { decodeKafkaMessage, encodeBusMessage, KAFKA_HEADERS, MessageDecodeError, type RawKafkaMessage } from './kafka-message-codec';
export { DLQ_HEADERS, deadLetterTopicOf, readDeadLetterMessages, readDeadLetters } from './kafka-dead-letters';
