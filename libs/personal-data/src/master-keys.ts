import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES } from './data-key-store.port';

/**
 * Data keys at rest are wrapped (AES-256-GCM) with a master key from
 * DATA_KEY_MASTER, a comma-separated list of `id:base64key`: the first one wraps
 * new keys, every one unwraps, so a master key is rotated by putting the new one
 * first, running `npm run keys:rewrap`, then removing the old one.
 *
 * Stored forms (one string per data key, never parsed elsewhere):
 *   m1.<masterId>.<iv b64url>.<ciphertext+tag b64url>   wrapped
 *   plain.<key b64url>                                   no master key configured
 */
export type MasterKey = { id: string; key: Buffer };

export class MasterKeyConfigError extends Error {
  constructor(message: string) {
    super(`DATA_KEY_MASTER ${message}`);
    this.name = 'MasterKeyConfigError';
  }
}

const MASTER_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Parses DATA_KEY_MASTER; [] when unset or blank. Throws naming the bad entry (never printing a key). */
export function parseMasterKeys(value: string | undefined): MasterKey[] {
  if (!value?.trim()) return [];
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!MASTER_ID.test(id)) throw new MasterKeyConfigError(`entry ${index + 1} must be id:base64key with an id of letters, digits, _ or - (at most 32)`);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== DATA_KEY_BYTES)
        throw new MasterKeyConfigError(`key "${id}" must be ${DATA_KEY_BYTES} bytes in base64 (openssl rand -base64 32), got ${key.length}`);
      return { id, key };
    });
  const ids = keys.map((k) => k.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new MasterKeyConfigError(`lists the id "${duplicate}" twice`);
  return keys;
}

export class KeyWrapper {
  constructor(private readonly masters: readonly MasterKey[]) {}

  /** The id new keys are wrapped with, or undefined when keys are stored unwrapped. */
  get currentMasterId(): string | undefined {
    return this.masters[0]?.id;
  }

  /** `keyId` is authenticated with the wrapped key, so a row's key can't be swapped for another row's. */
  wrap(keyId: string, key: Buffer): string {
    const master = this.masters[0];
    if (!master) return `plain.${key.toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', master.key, iv);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(key), cipher.final(), cipher.getAuthTag()]);
    return `m1.${master.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  unwrap(keyId: string, stored: string): Buffer {
    const parts = stored.split('.');
    if (parts[0] === 'plain' && parts.length === 2) return Buffer.from(parts[1]!, 'base64url');
    if (parts[0] !== 'm1' || parts.length !== 4) throw new Error(`data key ${keyId}: unknown stored format`);
    const [, masterId, iv, sealed] = parts as [string, string, string, string];
    const master = this.masters.find((m) => m.id === masterId);
    if (!master) throw new Error(`data key ${keyId} is wrapped with master key "${masterId}", which DATA_KEY_MASTER does not list`);
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', master.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
    } catch (error) {
      throw new Error(`data key ${keyId}: master key "${masterId}" does not open it (wrong key under that id?)`, { cause: error });
    }
  }

  /** Whether a stored key is already wrapped with the current master key (or unwrapped when there is none). */
  isCurrent(stored: string): boolean {
    const current = this.currentMasterId;
    return current === undefined ? stored.startsWith('plain.') : stored.startsWith(`m1.${current}.`);
  }
}
