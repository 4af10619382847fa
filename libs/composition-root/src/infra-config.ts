import { z } from 'zod';
import { isPostgresUrl, postgresEventStoreConfigSchema } from '@support-desk/event-store/postgres/config';
import { DATA_KEY_CACHE_ENTRIES, parseMasterKeys } from '@support-desk/personal-data';

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

/**
 * Which real servers to use (stack mode), one schema per port, so a service
 * parses (and can be refused for) only the settings of the ports it opens. Each
 * unset group falls back to its embedded adapter under DATA_DIR.
 */

/**
 * EVENTSTORE_URL: postgres:// or postgresql:// → PostgreSQL (EVENTSTORE_PG_* tune it);
 * esdb:// → EventStoreDB; unset → the SQLite file under DATA_DIR (one machine only).
 * EVENTSTORE_DURABILITY (fsync | os) applies to SQLite and PostgreSQL: fsync = an
 * acknowledged append survives power loss; os = it survives a process crash only.
 */
export const eventStoreConfigSchema = z.object({
  EVENTSTORE_URL: optionalText.refine((url) => url === undefined || isPostgresUrl(url) || /^esdb(\+discover)?:\/\//.test(url), {
    message: 'must be a postgres:// (PostgreSQL) or esdb:// (EventStoreDB) URL, or unset for the embedded SQLite store',
  }),
  ...postgresEventStoreConfigSchema.shape,
  ...keyStoreConfigShape(),
});

/**
 * The data keys of personal fields (README "Personal data"), opened with the event
 * store, always. KEYSTORE_URL (postgres://) → PostgreSQL; unset → the event
 * store's server when it is PostgreSQL, else DATA_DIR/keys.db. DATA_KEY_MASTER
 * (`id:base64key`, comma-separated; the first wraps) wraps keys at rest;
 * DATA_KEY_MASTER_REQUIRED=true refuses to start without one. DATA_KEY_CACHE_ENTRIES:
 * keys kept in memory.
 */
function keyStoreConfigShape() {
  return {
    KEYSTORE_URL: optionalText.refine((url) => url === undefined || isPostgresUrl(url), {
      message: "must be a postgres:// URL, or unset (the event store's PostgreSQL, else DATA_DIR/keys.db)",
    }),
    KEYSTORE_PG_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .default('personal_data'),
    DATA_KEY_MASTER: optionalText.superRefine((value, ctx) => {
      try {
        parseMasterKeys(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message.replace(/^DATA_KEY_MASTER /, '') : String(error) });
      }
    }),
    DATA_KEY_MASTER_REQUIRED: flag(false),
    /** Data keys kept in memory (each at most DATA_KEY_CACHE_TTL_MS); `npm run read-model:rebuild` defaults to more. */
    DATA_KEY_CACHE_ENTRIES: z.coerce.number().int().min(1).max(10_000_000).default(DATA_KEY_CACHE_ENTRIES),
  };
}

/** KAFKA_BROKERS (comma-separated host:port) → Kafka; unset → the in-process bus. */
export const busConfigSchema = z.object({
  KAFKA_BROKERS: optionalText,
  KAFKA_TOPIC: z.string().min(1).default('support-desk.ticket-events'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  /**
   * Put before every consumer group id (query-service, zendesk-sync). Group ids are
   * per broker, not per topic: two deployments sharing a broker (test stacks side by
   * side) would otherwise split one group's partitions between them.
   */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only')
    .default(''),
});

/** MONGODB_URL (database in its path) → MongoDB; unset → SQLite under DATA_DIR. */
export const readModelConfigSchema = z.object({
  MONGODB_URL: optionalUrl,
  /**
   * Retention (README "Erasure and export"): users whose every ticket was closed or
   * solved longer than this many days ago are erased by a scheduled job. Off when
   * unset. Read where the read model is, since that is where the job finds them.
   */
  RETENTION_DAYS: z.coerce.number().int().positive().max(36_500).optional(),
  /** How often the retention job runs (each wait jittered). */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
});

/** S3_BUCKET (and S3_ENDPOINT for non-AWS servers) → S3; unset → files under DATA_DIR. */
export const blobConfigSchema = z.object({
  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: optionalText,
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: flag(true),
  S3_KEY_PREFIX: z.string().default(''),
});

export type EventStoreConfig = z.output<typeof eventStoreConfigSchema>;
export type BusConfig = z.output<typeof busConfigSchema>;
export type ReadModelConfig = z.output<typeof readModelConfigSchema>;
export type BlobConfig = z.output<typeof blobConfigSchema>;
