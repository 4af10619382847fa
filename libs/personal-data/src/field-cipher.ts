import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { DataKey } from './data-key-store.port';

/**
 * One encrypted field value, a compact string that fits wherever the clear
 * value did (JSON event data, any store):
 *
 *   pd1.<iv: 12 random bytes, base64url>.<ciphertext + 16-byte GCM tag, base64url>
 *
 * AES-256-GCM. The key id travels in the event's metadata (`dataKeyId`), not
 * here. The additional data binds a value to its key and to its place (event
 * type and field), so a ciphertext copied into another field fails to open.
 */
export const CIPHER_PREFIX = 'pd1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHER_PREFIX);
}

/**
 * IVs come from a pool of random bytes refilled 256 IVs at a time (one call into
 * the CSPRNG instead of one per field: an intake append encrypts seven fields).
 * Every IV is still 12 fresh random bytes, used once.
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

export function encryptField(key: DataKey, place: string, plaintext: string): string {
  // Used synchronously below, before the pool can be refilled.
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(additionalData(key.keyId, place));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${CIPHER_PREFIX}${iv.toString('base64url')}.${sealed.toString('base64url')}`;
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

export function decryptField(key: DataKey, place: string, value: string): string {
  const parts = value.slice(CIPHER_PREFIX.length).split('.');
  const iv = parts.length === 2 ? Buffer.from(parts[0]!, 'base64url') : undefined;
  const sealed = parts.length === 2 ? Buffer.from(parts[1]!, 'base64url') : undefined;
  if (!iv || !sealed || iv.length !== IV_BYTES || sealed.length < TAG_BYTES)
    throw new PersonalDataDecryptError(`${place}: not a ${CIPHER_PREFIX} value (key ${key.keyId})`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
    decipher.setAAD(additionalData(key.keyId, place));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new PersonalDataDecryptError(`${place}: does not open with data key ${key.keyId} (tampered, or written with another key)`, { cause: error });
  }
}

const additionalData = (keyId: string, place: string) => Buffer.from(`${CIPHER_PREFIX}${keyId}|${place}`, 'utf8');
