import { join, resolve } from 'node:path';
import { FilesystemBlobStore, S3BlobStore, type BlobStore } from '@support-desk/blob-store';
import { InProcessEventBus, KafkaEventBus, type EventBus } from '@support-desk/event-bus';
import { EventStoreDbCheckpointStore, EventStoreDbEventStore, SqliteCheckpointStore, SqliteEventStore, type CheckpointStore, type EventStore } from '@support-desk/event-store';
import { MongoTicketReadModel, SqliteTicketReadModel, type TicketReadModel } from '@support-desk/read-model';
import type { InfraConfig } from './infra-config';

export type Adapters = {
  eventStore: EventStore;
  checkpoints: CheckpointStore;
  bus: EventBus;
  /** In-process bus: each consuming process must run its own relay to feed it. */
  localBus: boolean;
  readModel: TicketReadModel;
  blobs: BlobStore;
  /** Which adapter serves each port, for the start-up log line. */
  describe: Record<'eventStore' | 'bus' | 'readModel' | 'blobs', string>;
  close(): Promise<void>;
};

type Log = { error(obj: object, msg: string): void };

/**
 * Picks each port's adapter from the config: a real server where its variables
 * are set, the embedded adapter under DATA_DIR otherwise. Everything opened is
 * closed again if a later adapter fails to start.
 */
export async function openAdapters(config: InfraConfig & { DATA_DIR: string }, clientId: string, log?: Log): Promise<Adapters> {
  const root = resolve(config.DATA_DIR);
  const closers: Array<() => Promise<void>> = [];
  const opened = <T extends { close(): Promise<void> }>(adapter: T): T => {
    closers.unshift(() => adapter.close());
    return adapter;
  };
  try {
    const { eventStore, checkpoints } = openEventStore(config, root);
    opened(eventStore);
    const readModel = opened(
      config.MONGODB_URL ? await MongoTicketReadModel.connect({ url: config.MONGODB_URL }) : new SqliteTicketReadModel(join(root, 'read-model.db')),
    );
    const blobs = opened(await openBlobStore(config, root));
    const bus = opened(await openBus(config, clientId, log));
    return {
      eventStore,
      checkpoints,
      bus,
      localBus: bus instanceof InProcessEventBus,
      readModel,
      blobs,
      describe: {
        eventStore: config.EVENTSTORE_URL ? 'EventStoreDB' : `SQLite ${join(root, 'events.db')}`,
        bus: config.KAFKA_BROKERS ? `Kafka ${config.KAFKA_BROKERS} topic ${config.KAFKA_TOPIC}` : 'in-process',
        readModel: config.MONGODB_URL ? 'MongoDB' : `SQLite ${join(root, 'read-model.db')}`,
        blobs: config.S3_BUCKET ? `S3 bucket ${config.S3_BUCKET}${config.S3_ENDPOINT ? ` at ${config.S3_ENDPOINT}` : ''}` : `files under ${join(root, 'blobs')}`,
      },
      close: async () => {
        for (const close of closers) await close();
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}

function openEventStore(config: InfraConfig, root: string): { eventStore: EventStore; checkpoints: CheckpointStore } {
  if (config.EVENTSTORE_URL) {
    const eventStore = EventStoreDbEventStore.connect(config.EVENTSTORE_URL);
    return { eventStore, checkpoints: new EventStoreDbCheckpointStore(eventStore.client) };
  }
  const eventStore = new SqliteEventStore(join(root, 'events.db'));
  return { eventStore, checkpoints: new SqliteCheckpointStore(eventStore.database) };
}

async function openBlobStore(config: InfraConfig, root: string): Promise<BlobStore> {
  if (!config.S3_BUCKET) return new FilesystemBlobStore(join(root, 'blobs'));
  const credentials =
    config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } : undefined;
  const store = new S3BlobStore({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    credentials,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    keyPrefix: config.S3_KEY_PREFIX,
  });
  await store.ensureBucket();
  return store;
}

async function openBus(config: InfraConfig, clientId: string, log?: Log): Promise<EventBus> {
  const onDeadLetter = (dl: { group: string; error: string; message: { event: { id: string; type: string } } }) =>
    log?.error({ group: dl.group, eventId: dl.message.event.id, type: dl.message.event.type, error: dl.error }, 'message dead-lettered');
  if (!config.KAFKA_BROKERS) return new InProcessEventBus({ onDeadLetter });
  return KafkaEventBus.start({
    brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
    clientId,
    topic: config.KAFKA_TOPIC,
    partitions: config.KAFKA_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    // Every partition at once (a lone member owns them all), within reason for one process.
    consumer: { partitionsConsumedConcurrently: Math.min(config.KAFKA_PARTITIONS, 16) },
  });
}
