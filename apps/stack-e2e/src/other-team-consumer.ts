import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Stands in for another internal team: it knows the topic, the published .avsc
 * files and the header names, and nothing of our code.
 */
const AVRO_DIR = resolve(import.meta.dirname, '../../../libs/contracts/src/events/avro');

/** The schema version this team built its code against: its reader schemas. */
const READER_VERSION = '1';

const types = new Map<string, avro.Type>();
function typeOnFile(eventType: string, version: string): avro.Type {
  const key = `${eventType}.v${version}`;
  if (!types.has(key)) types.set(key, avro.Type.forSchema(JSON.parse(readFileSync(`${AVRO_DIR}/${key}.avsc`, 'utf8'))));
  return types.get(key)!;
}

const resolvers = new Map<string, avro.Resolver>();
/**
 * Reads a message value with this team's v1 reader schema: data written with
 * another version (the schema-version header) is resolved from that version's
 * file to theirs, so fields they don't know are skipped and fields they know
 * but the writer lacked take their defaults.
 */
export function readAsOtherTeam(eventType: string, writerVersion: string, value: Buffer): Record<string, unknown> {
  const reader = typeOnFile(eventType, READER_VERSION);
  if (writerVersion === READER_VERSION) return { ...(reader.fromBuffer(value) as Record<string, unknown>) };
  const key = `${eventType}.v${writerVersion}`;
  if (!resolvers.has(key)) resolvers.set(key, reader.createResolver(typeOnFile(eventType, writerVersion)));
  return { ...(reader.fromBuffer(value, resolvers.get(key)) as Record<string, unknown>) };
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
      const data = readAsOtherTeam(type, header('schema-version')!, message.value!);
      received.push({ key: message.key!.toString(), type, data, partition });
    },
  });
  return { received, stop: () => consumer.disconnect() };
}
