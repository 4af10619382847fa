import { join, resolve } from 'node:path';
import type { BlobStore } from '@support-desk/blob-store';
import { InProcessEventBus, type BusMessage, type EventBus, type MessageHandler, type SubscribeOptions } from '@support-desk/event-bus';
import { isPostgresUrl } from '@support-desk/event-store/postgres/config';
import { CachedDataKeyStore, KeyWrapper, parseMasterKeys, protectPersonalData } from '@support-desk/personal-data';
import type { TicketReadModel } from '@support-desk/read-model';
import { ConfigError } from '@support-desk/service-kit';
import type { BlobConfig, BusConfig, EventStoreConfig, ReadModelConfig } from './infra-config';
import type { Adapters, EventFeed, Port } from './ports';

type Log = { error(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
type Opened<T> = { adapter: T; describe: string };

/**
 * Opens the adapters of the given ports and nothing else: a real server where
 * its variables are set, the embedded adapter under DATA_DIR otherwise. Each
 * adapter's client library is imported only here, on demand (intake-api never
 * loads kafkajs or mongodb). Everything opened is closed again if a later one fails.
 */
export async function openAdapters<P extends Port>(
  config: Partial<EventStoreConfig & BusConfig & ReadModelConfig & BlobConfig> & { DATA_DIR: string },
  ports: readonly P[],
  clientId: string,
  log?: Log,
): Promise<Adapters<P>> {
  const root = resolve(config.DATA_DIR);
  const wants = (port: Port) => (ports as readonly Port[]).includes(port);
  const closers: Array<() => Promise<void>> = [];
  const track = <T extends { close(): Promise<void> }>(opened: Opened<T>): T => {
    closers.unshift(() => opened.adapter.close());
    return opened.adapter;
  };
  const out: Record<string, unknown> = {};
  const describe: Partial<Record<Port, string>> = {};
  const healthChecks: Record<string, () => Promise<void>> = {};
  try {
    const localBus = wants('bus') && !config.KAFKA_BROKERS;
    let feed: EventFeed | undefined;
    if (wants('eventStore') || localBus) {
      // Keys first: closed last, after the store whose readers use them.
      const openedKeys = await openKeyStore(config as EventStoreConfig, root, log);
      const keys = track(openedKeys);

      const opened = await openEventStore(config as EventStoreConfig, root, log);
      const raw = track(opened);
      // Every reader and writer of the store goes through the decorator: personal fields are encrypted at rest.
      feed = { eventStore: protectPersonalData(raw.eventStore, keys), checkpoints: raw.checkpoints };
      // One port, two back-ends: the key store is described and checked with the event store.
      describe.eventStore = `${opened.describe}; data keys: ${openedKeys.describe}`;
      healthChecks.eventStore = async () => {
        await feed!.eventStore.readStream('health-check');
        await keys.get('health-check');
      };
      if (wants('eventStore')) Object.assign(out, { eventStore: feed.eventStore, checkpoints: feed.checkpoints, dataKeys: keys });
    }
    if (wants('readModel')) {
      const opened = await openReadModel(config as ReadModelConfig, root);
      out.readModel = track(opened);
      describe.readModel = opened.describe;
      healthChecks.readModel = async () => void (await opened.adapter.search({}, { offset: 0, limit: 1 }));
    }
    if (wants('blobs')) {
      const opened = await openBlobStore(config as BlobConfig, root);
      out.blobs = track(opened);
      describe.blobs = opened.describe;
      healthChecks.blobs = async () => void (await opened.adapter.head('health-check'));
    }
    if (wants('bus')) {
      const opened = await openBus(config as BusConfig, clientId, log);
      out.bus = track(opened);
      out.localFeed = localBus ? feed : undefined;
      describe.bus = opened.describe;
    }
    return {
      ...out,
      describe,
      healthChecks,
      close: async () => {
        for (const close of closers) await close();
      },
    } as Adapters<P>;
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}

async function openEventStore(config: EventStoreConfig, root: string, log?: Log): Promise<Opened<EventFeed & { close(): Promise<void> }>> {
  if (config.EVENTSTORE_URL && isPostgresUrl(config.EVENTSTORE_URL)) {
    const { PostgresCheckpointStore, PostgresEventStore, postgresOptionsFromConfig } = await import('@support-desk/event-store/postgres');
    const eventStore = await PostgresEventStore.connect(config.EVENTSTORE_URL, {
      ...postgresOptionsFromConfig(config),
      // Subscriptions and the LISTEN connection reconnect on their own; say so once per failure.
      onConnectionError: (err) => log?.error({ err }, 'event store connection lost; reconnecting'),
    });
    const feed = { eventStore, checkpoints: new PostgresCheckpointStore(eventStore), close: () => eventStore.close() };
    return { adapter: feed, describe: `PostgreSQL ${redactPassword(config.EVENTSTORE_URL)} schema ${config.EVENTSTORE_PG_SCHEMA}` };
  }
  if (config.EVENTSTORE_URL) {
    const { EventStoreDbCheckpointStore, EventStoreDbEventStore } = await import('@support-desk/event-store/eventstoredb');
    const eventStore = EventStoreDbEventStore.connect(config.EVENTSTORE_URL);
    const feed = { eventStore, checkpoints: new EventStoreDbCheckpointStore(eventStore.client), close: () => eventStore.close() };
    return { adapter: feed, describe: 'EventStoreDB' };
  }
  const { SqliteCheckpointStore, SqliteEventStore } = await import('@support-desk/event-store/sqlite');
  const path = join(root, 'events.db');
  const eventStore = new SqliteEventStore(path, { durability: config.EVENTSTORE_DURABILITY });
  const feed = { eventStore, checkpoints: new SqliteCheckpointStore(eventStore.database), close: () => eventStore.close() };
  return { adapter: feed, describe: `SQLite ${path}` };
}

/**
 * The data keys live beside the events: on the event store's PostgreSQL server
 * (own schema) or in DATA_DIR/keys.db. EventStoreDB has no table for them, so it
 * needs KEYSTORE_URL: separate SQLite files per process would give each process
 * its own keys.
 */
export async function openKeyStore(config: EventStoreConfig, root: string, log?: Log): Promise<Opened<CachedDataKeyStore>> {
  const masters = parseMasterKeys(config.DATA_KEY_MASTER);
  if (masters.length === 0 && config.DATA_KEY_MASTER_REQUIRED)
    throw new ConfigError(['DATA_KEY_MASTER: required (DATA_KEY_MASTER_REQUIRED=true): set id:base64key (openssl rand -base64 32)']);
  const wrapper = new KeyWrapper(masters);
  const wrapping = masters.length > 0 ? `wrapped with master key "${masters[0]!.id}"` : 'NOT wrapped (DATA_KEY_MASTER unset)';
  const url = config.KEYSTORE_URL ?? (config.EVENTSTORE_URL && isPostgresUrl(config.EVENTSTORE_URL) ? config.EVENTSTORE_URL : undefined);
  if (!url && config.EVENTSTORE_URL)
    throw new ConfigError(['KEYSTORE_URL: required with EVENTSTORE_URL=esdb://…: set a postgres:// URL for the data keys (README "Personal data")']);
  let opened: Opened<CachedDataKeyStore>;
  const cache = { maxEntries: config.DATA_KEY_CACHE_ENTRIES };
  if (url) {
    const { PostgresDataKeyStore } = await import('@support-desk/personal-data/postgres');
    const store = await PostgresDataKeyStore.connect(url, { schema: config.KEYSTORE_PG_SCHEMA, wrapper });
    opened = { adapter: new CachedDataKeyStore(store, cache), describe: `PostgreSQL ${redactPassword(url)} schema ${config.KEYSTORE_PG_SCHEMA}, ${wrapping}` };
  } else {
    const { SqliteDataKeyStore } = await import('@support-desk/personal-data/sqlite');
    const path = join(root, 'keys.db');
    opened = {
      adapter: new CachedDataKeyStore(new SqliteDataKeyStore(path, wrapper, { durability: config.EVENTSTORE_DURABILITY }), cache),
      describe: `SQLite ${path}, ${wrapping}`,
    };
  }
  if (masters.length === 0)
    log?.warn?.({ dataKeys: opened.describe }, 'data keys are stored unwrapped: set DATA_KEY_MASTER to wrap them at rest (README "Personal data")');
  return opened;
}

async function openReadModel(config: ReadModelConfig, root: string): Promise<Opened<TicketReadModel>> {
  if (config.MONGODB_URL) {
    const { MongoTicketReadModel } = await import('@support-desk/read-model/mongodb');
    return { adapter: await MongoTicketReadModel.connect({ url: config.MONGODB_URL }), describe: 'MongoDB' };
  }
  const { SqliteTicketReadModel } = await import('@support-desk/read-model/sqlite');
  const path = join(root, 'read-model.db');
  return { adapter: new SqliteTicketReadModel(path), describe: `SQLite ${path}` };
}

async function openBlobStore(config: BlobConfig, root: string): Promise<Opened<BlobStore>> {
  if (!config.S3_BUCKET) {
    const { FilesystemBlobStore } = await import('@support-desk/blob-store/fs');
    const dir = join(root, 'blobs');
    return { adapter: new FilesystemBlobStore(dir), describe: `files under ${dir}` };
  }
  const { S3BlobStore } = await import('@support-desk/blob-store/s3');
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
  return { adapter: store, describe: `S3 bucket ${config.S3_BUCKET}${config.S3_ENDPOINT ? ` at ${config.S3_ENDPOINT}` : ''}` };
}

async function openBus(config: BusConfig, clientId: string, log?: Log): Promise<Opened<EventBus>> {
  const onDeadLetter = (dl: { group: string; error: string; message: { event: { id: string; type: string } } }) =>
    log?.error({ group: dl.group, eventId: dl.message.event.id, type: dl.message.event.type, error: dl.error }, 'message dead-lettered');
  if (!config.KAFKA_BROKERS) return { adapter: new InProcessEventBus({ onDeadLetter }), describe: 'in-process' };
  const { KafkaEventBus } = await import('@support-desk/event-bus/kafka');
  const bus = await KafkaEventBus.start({
    brokers: config.KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    clientId,
    topic: config.KAFKA_TOPIC,
    partitions: config.KAFKA_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
    // Every partition at once (a lone member owns them all), within reason for one process.
    consumer: { partitionsConsumedConcurrently: Math.min(config.KAFKA_PARTITIONS, 16) },
  });
  const prefix = config.KAFKA_GROUP_PREFIX;
  const prefixed = prefix
    ? {
        publish: (messages: BusMessage[]) => bus.publish(messages),
        subscribe: (group: string, handler: MessageHandler, options?: SubscribeOptions) => bus.subscribe(prefix + group, handler, options),
        close: () => bus.close(),
        // What lag metrics read from the broker (observability/kafka-lag-metrics.ts), under the real group ids.
        topic: bus.topic,
        deadLetterTopic: bus.deadLetterTopic,
        get groups() {
          return bus.groups;
        },
        admin: () => bus.admin(),
      }
    : undefined;
  const adapter: EventBus = prefixed ?? bus;
  return { adapter, describe: `Kafka ${config.KAFKA_BROKERS} topic ${config.KAFKA_TOPIC}${prefix ? ` group prefix ${prefix}` : ''}` };
}

/** For the start-up log line: the URL without its password. */
function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
