import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config';

/**
 * Finds the real servers e2e suites run against, in this order:
 *  1. an address in the environment (KAFKA_BROKERS, MONGODB_URL, S3_ENDPOINT…, EVENTSTORE_URL,
 *     POSTGRES_TEST_URL),
 *     e.g. from `eval "$(infra/local/start.sh)"`;
 *  2. a throwaway container, when a Docker engine answers (testcontainers);
 *  3. otherwise the suite is skipped, with the reason printed and in the test name.
 */
export type KafkaEndpoint = { brokers: string[] };
export type MongoEndpoint = { url: string };
export type S3Endpoint = {
  endpoint: string;
  region: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
};
export type EventStoreEndpoint = { connectionString: string };
export type PostgresEndpoint = { url: string };

export type StartedServer<T> = { endpoint: T; stop: () => Promise<void> };

export type RealServer<T> =
  | { kind: 'env'; description: string; endpoint: T }
  | { kind: 'container'; description: string; start: () => Promise<StartedServer<T>> }
  | { kind: 'missing'; reason: string };

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const envSchema = z.object({
  KAFKA_BROKERS: optional,
  MONGODB_URL: optional,
  S3_ENDPOINT: optional,
  S3_REGION: optional,
  S3_BUCKET: optional,
  S3_ACCESS_KEY_ID: optional,
  S3_SECRET_ACCESS_KEY: optional,
  S3_FORCE_PATH_STYLE: optional,
  EVENTSTORE_URL: optional,
  POSTGRES_TEST_URL: optional,
});

type Env = z.output<typeof envSchema>;

// Parsed once, like service config; nothing else in the test helpers reads process.env.
let parsedEnv: Env | undefined;
const env = (): Env => (parsedEnv ??= parseConfig(envSchema));

export async function findKafka(): Promise<RealServer<KafkaEndpoint>> {
  const brokers = env().KAFKA_BROKERS;
  if (brokers) return { kind: 'env', description: `Kafka at ${brokers} (KAFKA_BROKERS)`, endpoint: { brokers: brokers.split(',').map((b) => b.trim()) } };
  return containerOr('KAFKA_BROKERS', 'Kafka (apache/kafka container)', startKafkaContainer);
}

export async function findMongo(): Promise<RealServer<MongoEndpoint>> {
  const url = env().MONGODB_URL;
  if (url) return { kind: 'env', description: `MongoDB wire server at ${redact(url)} (MONGODB_URL)`, endpoint: { url } };
  return containerOr('MONGODB_URL', 'MongoDB (mongo container)', startMongoContainer);
}

export async function findS3(): Promise<RealServer<S3Endpoint>> {
  const e = env();
  if (e.S3_ENDPOINT) {
    if (!e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) {
      return { kind: 'missing', reason: 'S3_ENDPOINT is set but S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY are not' };
    }
    return {
      kind: 'env',
      description: `S3 at ${e.S3_ENDPOINT} (S3_ENDPOINT)`,
      endpoint: {
        endpoint: e.S3_ENDPOINT,
        region: e.S3_REGION ?? 'us-east-1',
        bucket: e.S3_BUCKET ?? 'support-desk',
        credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY },
        forcePathStyle: e.S3_FORCE_PATH_STYLE !== 'false',
      },
    };
  }
  return containerOr('S3_ENDPOINT', 'S3 (versitygw container)', startS3Container);
}

export async function findEventStore(): Promise<RealServer<EventStoreEndpoint>> {
  const url = env().EVENTSTORE_URL;
  if (url) return { kind: 'env', description: `EventStoreDB at ${redact(url)} (EVENTSTORE_URL)`, endpoint: { connectionString: url } };
  return containerOr('EVENTSTORE_URL', 'EventStoreDB (eventstore container)', startEventStoreContainer);
}

/** A PostgreSQL database the suite may create schemas in (POSTGRES_TEST_URL, from infra/local/start.sh). */
export async function findPostgres(): Promise<RealServer<PostgresEndpoint>> {
  const url = env().POSTGRES_TEST_URL;
  if (url) return { kind: 'env', description: `PostgreSQL at ${redact(url)} (POSTGRES_TEST_URL)`, endpoint: { url } };
  return containerOr('POSTGRES_TEST_URL', 'PostgreSQL (postgres container)', startPostgresContainer);
}

/**
 * A describe block bound to one real server: started (if a container) before its
 * tests and stopped after them; or, when there is none, a visibly skipped test
 * whose name carries the reason.
 */
export function describeWithRealServer<T>(title: string, server: RealServer<T>, suite: (endpoint: () => T) => void): void {
  if (server.kind === 'missing') {
    console.warn(`[e2e] ${title}: SKIPPED, ${server.reason}`);
    describe.skip(`${title} (skipped: ${server.reason})`, () => {
      it.skip(`needs a real server: ${server.reason}`, () => {});
    });
    return;
  }
  describe(`${title} against ${server.description}`, () => {
    let endpoint: T | undefined = server.kind === 'env' ? server.endpoint : undefined;
    let started: StartedServer<T> | undefined;
    beforeAll(async () => {
      if (server.kind !== 'container') return;
      started = await server.start();
      endpoint = started.endpoint;
    }, 300_000);
    afterAll(async () => {
      await started?.stop();
    });
    suite(() => {
      if (endpoint === undefined) throw new Error(`${title}: the server did not start`);
      return endpoint;
    });
  });
}

/** A run id for names on shared servers (topics, databases, key prefixes), so reruns never collide. */
export function runId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

// --- containers -------------------------------------------------------------

type Testcontainers = typeof import('testcontainers');

let docker: Promise<{ tc: Testcontainers; host: string } | { reason: string }> | undefined;

/** Asked once per process; testcontainers is imported only when no address was given. */
function dockerEngine(): Promise<{ tc: Testcontainers; host: string } | { reason: string }> {
  docker ??= (async () => {
    try {
      const tc = await import('testcontainers');
      const client = await tc.getContainerRuntimeClient();
      return { tc, host: client.info.containerRuntime.host };
    } catch (error) {
      return { reason: `no Docker engine answered (${error instanceof Error ? error.message : String(error)})` };
    }
  })();
  return docker;
}

async function containerOr<T>(
  variable: string,
  description: string,
  start: (tc: Testcontainers, host: string) => Promise<StartedServer<T>>,
): Promise<RealServer<T>> {
  const engine = await dockerEngine();
  if ('reason' in engine) return { kind: 'missing', reason: `${variable} is not set and ${engine.reason}` };
  return { kind: 'container', description, start: () => start(engine.tc, engine.host) };
}

const IMAGES = {
  kafka: 'apache/kafka:3.9.1',
  mongo: 'mongo:7.0',
  versitygw: 'versity/versitygw:v1.7.0',
  postgres: 'postgres:16-alpine',
  eventstore: process.arch === 'arm64' ? 'eventstore/eventstore:24.10.0-alpha-arm64v8' : 'eventstore/eventstore:24.10.0-bookworm-slim',
};

async function startKafkaContainer(tc: Testcontainers, host: string): Promise<StartedServer<KafkaEndpoint>> {
  // Kafka hands clients the advertised address, which must be the host-side port;
  // a random port is only known after start, so pick a free one and bind it 1:1.
  const port = await freePort();
  const container = await new tc.GenericContainer(IMAGES.kafka)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return { endpoint: { brokers: [`${host}:${port}`] }, stop: async () => void (await container.stop()) };
}

async function startMongoContainer(tc: Testcontainers): Promise<StartedServer<MongoEndpoint>> {
  const container = await new tc.GenericContainer(IMAGES.mongo)
    .withExposedPorts(27017)
    .withWaitStrategy(tc.Wait.forLogMessage(/Waiting for connections/i))
    .start();
  const url = `mongodb://${container.getHost()}:${container.getMappedPort(27017)}/?directConnection=true`;
  return { endpoint: { url }, stop: async () => void (await container.stop()) };
}

async function startS3Container(tc: Testcontainers): Promise<StartedServer<S3Endpoint>> {
  const credentials = { accessKeyId: 'supportdesk', secretAccessKey: 'supportdesk-secret' };
  // posix backend on tmpfs; --sidecar keeps metadata in files since tmpfs may lack user xattrs.
  const container = await new tc.GenericContainer(IMAGES.versitygw)
    .withExposedPorts(7070)
    .withTmpFs({ '/data': 'rw', '/meta': 'rw' })
    .withCommand([
      '--port',
      ':7070',
      '--access',
      credentials.accessKeyId,
      '--secret',
      credentials.secretAccessKey,
      '--health',
      '/health',
      'posix',
      '--sidecar',
      '/meta',
      '/data',
    ])
    .withWaitStrategy(tc.Wait.forHttp('/health', 7070))
    .start();
  return {
    endpoint: {
      endpoint: `http://${container.getHost()}:${container.getMappedPort(7070)}`,
      region: 'us-east-1',
      bucket: 'support-desk',
      credentials,
      forcePathStyle: true,
    },
    stop: async () => void (await container.stop()),
  };
}

async function startEventStoreContainer(tc: Testcontainers): Promise<StartedServer<EventStoreEndpoint>> {
  const container = await new tc.GenericContainer(IMAGES.eventstore)
    .withExposedPorts(2113)
    .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
    .withWaitStrategy(tc.Wait.forHttp('/health/live', 2113).forStatusCode(204))
    .withStartupTimeout(180_000)
    .start();
  const connectionString = `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  return { endpoint: { connectionString }, stop: async () => void (await container.stop()) };
}

async function startPostgresContainer(tc: Testcontainers): Promise<StartedServer<PostgresEndpoint>> {
  const container = await new tc.GenericContainer(IMAGES.postgres)
    .withExposedPorts(5432)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'supportdesk_events_test' })
    // The image's init runs a temporary server first: ready is the second "ready" line.
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000)
    .start();
  const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/supportdesk_events_test`;
  return { endpoint: { url }, stop: async () => void (await container.stop()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function redact(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}
