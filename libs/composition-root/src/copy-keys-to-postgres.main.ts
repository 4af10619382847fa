/**
 * Copies the embedded data keys (DATA_DIR/keys.db) into the PostgreSQL key store:
 * run it with `npm run eventstore:copy-to-postgres`, which copies events only.
 * Without it every copied personal field would read as erased.
 *
 *   EVENTSTORE_URL=postgres://… npm run keys:copy-to-postgres [-- --from ./data/keys.db]
 *
 * Keys are copied wrapped as they are: DATA_KEY_MASTER must list the master key
 * that wrapped them (if any). Safe to rerun: keys already there are skipped.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isPostgresUrl } from '@support-desk/event-store/postgres/config';
import { KeyWrapper, parseMasterKeys } from '@support-desk/personal-data';
import { ConfigError, parseConfig } from '@support-desk/service-kit';
import { eventStoreConfigSchema } from './infra-config';

const configSchema = z.object({ DATA_DIR: z.string().min(1).default('./data'), ...eventStoreConfigSchema.shape });

async function main(): Promise<number> {
  const config = parseConfig(configSchema);
  const { values } = parseArgs({ options: { from: { type: 'string', default: join(resolve(config.DATA_DIR), 'keys.db') } } });
  const url = config.KEYSTORE_URL ?? (config.EVENTSTORE_URL && isPostgresUrl(config.EVENTSTORE_URL) ? config.EVENTSTORE_URL : undefined);
  if (!url) {
    console.error('keys:copy-to-postgres: set KEYSTORE_URL or EVENTSTORE_URL to the PostgreSQL server to copy the keys to');
    return 2;
  }
  if (!existsSync(values.from)) {
    console.error(`keys:copy-to-postgres: ${values.from} does not exist (--from <keys.db>)`);
    return 2;
  }
  const { SqliteDataKeyStore } = await import('@support-desk/personal-data/sqlite');
  const { PostgresDataKeyStore } = await import('@support-desk/personal-data/postgres');
  const source = new SqliteDataKeyStore(values.from);
  const target = await PostgresDataKeyStore.connect(url, {
    schema: config.KEYSTORE_PG_SCHEMA,
    wrapper: new KeyWrapper(parseMasterKeys(config.DATA_KEY_MASTER)),
  });
  try {
    const keys = source.exportKeys();
    const { imported, present, conflicts } = await target.importKeys(keys);
    console.log(`keys:copy-to-postgres: ${keys.length} keys read from ${values.from}: ${imported} copied, ${present} already there`);
    if (conflicts.length > 0) {
      console.error(
        `  ${conflicts.length} not copied: their subject already has another key there (events of these key ids read as erased): ${conflicts.join(', ')}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await source.close();
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `keys:copy-to-postgres: ${error.message}` : error);
    process.exit(1);
  },
);
