// Also `@support-desk/event-store/postgres/config`: a config parser may import it
// without loading pg (only a type comes from there).
import type { PoolConfig } from 'pg';
import { z } from 'zod';

export type Durability = 'fsync' | 'os';

export type PostgresEventStoreOptions = {
  /** Schema holding the tables; created at start. Default `eventstore`. */
  schema?: string;
  /** Connections in the pool (the LISTEN connection comes on top). Default 10. */
  poolSize?: number;
  /** Server-side limit per statement, 0 for none. Default 10 000. */
  statementTimeoutMs?: number;
  /** Limit on opening a connection and on waiting for a free one. Default 5 000. */
  connectTimeoutMs?: number;
  /**
   * `fsync` (default): an append is acknowledged once its WAL is flushed to disk
   * (synchronous_commit on). `os`: once handed to the OS (synchronous_commit off);
   * a server crash can lose the last few hundred ms of acknowledged appends, but
   * never corrupts or reorders the store.
   */
  durability?: Durability;
  /** Safety-net poll of a live subscription; LISTEN/NOTIFY wakes it sooner. Default 1 000. */
  pollIntervalMs?: number;
  /**
   * How often the LISTEN connection is checked with a query. A connection cut
   * without a reset (a network partition) is otherwise only noticed by TCP
   * keepalive, minutes later. Default 10 000.
   */
  listenHeartbeatMs?: number;
  /** Shown in pg_stat_activity unless the URL names one. */
  applicationName?: string;
  /** Clock for `recordedAt` (tests). */
  now?: () => number;
  /** A subscription or the LISTEN connection lost the server; both retry on their own with back-off. */
  onConnectionError?: (error: unknown) => void;
};

export const POSTGRES_DEFAULTS = {
  schema: 'eventstore',
  poolSize: 10,
  statementTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  durability: 'fsync',
  pollIntervalMs: 1_000,
  listenHeartbeatMs: 10_000,
  applicationName: 'support-desk-event-store',
} as const satisfies PostgresEventStoreOptions;

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The environment settings of this adapter, for a service's zod config (parsed once
 * at start). Used only when EVENTSTORE_URL is a postgres:// or postgresql:// URL.
 */
export const postgresEventStoreConfigSchema = z.object({
  EVENTSTORE_PG_SCHEMA: z.string().regex(schemaName, 'must be a lower-case SQL identifier').default(POSTGRES_DEFAULTS.schema),
  EVENTSTORE_PG_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(POSTGRES_DEFAULTS.poolSize),
  EVENTSTORE_PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(POSTGRES_DEFAULTS.statementTimeoutMs),
  EVENTSTORE_PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(POSTGRES_DEFAULTS.connectTimeoutMs),
  EVENTSTORE_DURABILITY: z.enum(['fsync', 'os'], { message: 'must be fsync or os' }).default(POSTGRES_DEFAULTS.durability),
});

export type PostgresEventStoreConfig = z.output<typeof postgresEventStoreConfigSchema>;

export function postgresOptionsFromConfig(config: PostgresEventStoreConfig): PostgresEventStoreOptions {
  return {
    schema: config.EVENTSTORE_PG_SCHEMA,
    poolSize: config.EVENTSTORE_PG_POOL_SIZE,
    statementTimeoutMs: config.EVENTSTORE_PG_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.EVENTSTORE_PG_CONNECT_TIMEOUT_MS,
    durability: config.EVENTSTORE_DURABILITY,
  };
}

/** postgres:// and postgresql:// select this adapter. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export type ResolvedOptions = Required<Omit<PostgresEventStoreOptions, 'onConnectionError'>> & Pick<PostgresEventStoreOptions, 'onConnectionError'>;

export function resolveOptions(options: PostgresEventStoreOptions): ResolvedOptions {
  const resolved = { ...POSTGRES_DEFAULTS, now: Date.now, ...stripUndefined(options) };
  if (!schemaName.test(resolved.schema)) throw new Error(`PostgreSQL event store: schema "${resolved.schema}" must be a lower-case SQL identifier`);
  return resolved;
}

/**
 * Connection settings for the pool and the LISTEN client. Session settings go in
 * the startup packet (no extra round trip per connection); `options` given in the
 * URL are kept, ours are added after them.
 */
export function clientConfig(url: string, options: ResolvedOptions): PoolConfig {
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const durability = `-c synchronous_commit=${options.durability === 'fsync' ? 'on' : 'off'}`;
  return {
    connectionString: parsed.toString(),
    options: fromUrl ? `${fromUrl} ${durability}` : durability,
    statement_timeout: options.statementTimeoutMs,
    // The client gives up a little after the server would have: an answer lost on a
    // dead network must not hang a request. The pool then drops that connection.
    query_timeout: options.statementTimeoutMs > 0 ? options.statementTimeoutMs + options.connectTimeoutMs : undefined,
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.poolSize,
    fallback_application_name: options.applicationName,
    // Across hosts a dead peer is otherwise only noticed on the next write.
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
