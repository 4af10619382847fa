/**
 * Re-wraps every stored data key with the first master key of DATA_KEY_MASTER:
 * the middle step of a master key rotation (README "Personal data").
 *
 *   DATA_KEY_MASTER=new:<base64>,old:<base64> npm run keys:rewrap
 *
 * Configured like the services: DATA_DIR (embedded keys.db), EVENTSTORE_URL /
 * KEYSTORE_URL (PostgreSQL). Safe to run while services run and to run again:
 * each key is swapped with a compare-and-set, and keys already wrapped with the
 * first master key are left alone. Without DATA_KEY_MASTER it unwraps them all
 * (back to plain), which it refuses unless --to-plain is given.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, parseConfig } from '@support-desk/service-kit';
import { eventStoreConfigSchema } from './infra-config';
import { openKeyStore } from './open-adapters';

const configSchema = z.object({ DATA_DIR: z.string().min(1).default('./data'), ...eventStoreConfigSchema.shape });

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'to-plain': { type: 'boolean', default: false } } });
  const config = parseConfig(configSchema);
  if (!config.DATA_KEY_MASTER && !values['to-plain']) {
    console.error('keys:rewrap: DATA_KEY_MASTER is unset, so this would store every key unwrapped; pass --to-plain if that is what you want');
    return 2;
  }
  const opened = await openKeyStore(config, resolve(config.DATA_DIR));
  try {
    const { rewrapped, total } = await opened.adapter.rewrapAll();
    console.log(`keys:rewrap: ${opened.describe}: ${rewrapped} of ${total} data keys re-wrapped`);
    return 0;
  } finally {
    await opened.adapter.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `keys:rewrap: ${error.message}` : error);
    process.exit(1);
  },
);
