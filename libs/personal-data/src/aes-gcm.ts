import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { DataKey } from './data-key-store.port';

/**
 * AES-256-GCM as both stored formats use it (pd1 per field, pd2 per event):
 * `<prefix><iv: 12 random bytes, base64url>.<ciphertext + 16-byte tag, base64url>`.
 * Internal to the lib: the formats (field-cipher.ts, event-seal.ts) say what the
 * additional data binds.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * IVs come from a pool of random bytes refilled 256 IVs at a time (one call into
 * the CSPRNG instead of one per seal). Every IV is still 12 fresh random bytes, used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;
function randomIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function gcmSeal(prefix: string, key: DataKey, additionalData: Buffer, plaintext: string): string {
  // Used synchronously below, before the pool can be refilled.
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(additionalData);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${prefix}${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/** The plaintext; throws PersonalDataDecryptError prefixed by `what` when `value` is malformed or does not open. */
export function gcmOpen(prefix: string, key: DataKey, additionalData: Buffer, value: string, what: string): string {
  const parts = value.startsWith(prefix) ? value.slice(prefix.length).split('.') : [];
  const iv = parts.length === 2 ? Buffer.from(parts[0]!, 'base64url') : undefined;
  const sealed = parts.length === 2 ? Buffer.from(parts[1]!, 'base64url') : undefined;
  if (!iv || !sealed || iv.length !== IV_BYTES || sealed.length < TAG_BYTES)
    throw new PersonalDataDecryptError(`${what}: not a ${prefix} value (key ${key.keyId})`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
    decipher.setAAD(additionalData);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new PersonalDataDecryptError(`${what}: does not open with data key ${key.keyId} (tampered, or written with another key)`, { cause: error });
  }
}

/**
 * A value that does not open with the key it names was altered or written with
 * another key: that is corruption, not erasure, and it is reported as such
 * rather than hidden behind the erased placeholder.
 */
export class PersonalDataDecryptError extends Error {
  readonly code = 'PERSONAL_DATA.UNREADABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersonalDataDecryptError';
  }
}
