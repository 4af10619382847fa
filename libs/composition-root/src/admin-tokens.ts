import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAdminTokens } from '@support-desk/service-kit';

/**
 * ADMIN_TOKEN (comma-separated) when set. Otherwise the embedded mode makes one
 * token on first start and keeps it in DATA_DIR/admin-token, so it survives
 * restarts; the caller prints where it is.
 */
export function resolveAdminTokens(adminTokenEnv: string | undefined, dataDir: string): { tokens: string[]; generatedAt?: string } {
  const fromEnv = parseAdminTokens(adminTokenEnv);
  if (fromEnv.length > 0) return { tokens: fromEnv };
  const file = join(resolve(dataDir), 'admin-token');
  if (!existsSync(file)) {
    mkdirSync(resolve(dataDir), { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process sharing DATA_DIR made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const tokens = parseAdminTokens(readFileSync(file, 'utf8'));
  if (tokens.length === 0) throw new Error(`${file} is empty: delete it to get a new admin token`);
  return { tokens, generatedAt: file };
}
