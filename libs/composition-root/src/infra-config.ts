import { z } from 'zod';

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

/**
 * Which real servers to use (stack mode). Each unset group falls back to its
 * embedded adapter, so the same binaries run on a laptop and in production.
 */
export const infraConfigSchema = z.object({
  /** Comma-separated host:port list; set → Kafka bus, unset → in-process bus. */
  KAFKA_BROKERS: optionalText,
  KAFKA_TOPIC: z.string().min(1).default('support-desk.ticket-events'),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  /** mongodb:// URL with the database in its path; set → MongoDB read model. */
  MONGODB_URL: optionalUrl,
  /** set S3_BUCKET (and S3_ENDPOINT for non-AWS servers) → S3 blob store. */
  S3_ENDPOINT: optionalUrl,
  S3_BUCKET: optionalText,
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: flag(true),
  S3_KEY_PREFIX: z.string().default(''),
  /** esdb:// connection string; set → EventStoreDB, unset → the SQLite file under DATA_DIR (shareable by processes). */
  EVENTSTORE_URL: optionalText,
});

export type InfraConfig = z.output<typeof infraConfigSchema>;
