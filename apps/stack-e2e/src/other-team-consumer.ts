import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Stands in for another internal team: it knows the topic, the published .avsc
 * files and the header names, and nothing of our code.
 */
const AVRO_DIR = resolve(import.meta.dirname, '../../../libs/contracts/src/events/avro');

const types = new Map<string, avro.Type>();
function writerType(eventType: string, version: string): avro.Type {
  const key = `${eventType}.v${version}`;
  if (!types.has(key)) types.set(key, avro.Type.forSchema(JSON.parse(readFileSync(`${AVRO_DIR}/${key}.avsc`, 'utf8'))));
  return types.get(key)!;
}

export type ReceivedEvent = { key: string; type: string; data: Record<string, unknown>; partition: number };

export async function startOtherTeamConsumer(brokers: string[], topic: string) {
  const kafka = new Kafka({ clientId: 'other-team', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `other-team-${topic}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const received: ReceivedEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      const type = header('event-type')!;
      const data = writerType(type, header('schema-version')!).fromBuffer(message.value!) as Record<string, unknown>;
      received.push({ key: message.key!.toString(), type, data: { ...data }, partition });
    },
  });
  return { received, stop: () => consumer.disconnect() };
}
