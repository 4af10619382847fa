import type { DataKey } from './data-key-store.port';
import { gcmOpen, gcmSeal } from './aes-gcm';

export { PersonalDataDecryptError } from './aes-gcm';

/**
 * pd1: one encrypted field value, a compact string that fits wherever the clear
 * value did (JSON event data, any store):
 *
 *   pd1.<iv: 12 random bytes, base64url>.<ciphertext + 16-byte GCM tag, base64url>
 *
 * AES-256-GCM. The key id travels in the event's metadata (`dataKeyId`), not
 * here. The additional data binds a value to its key and to its place (event
 * type and field), so a ciphertext copied into another field fails to open.
 *
 * Written until pd2 (event-seal.ts: one seal per event) replaced it; events
 * stored as pd1 stay readable.
 */
export const CIPHER_PREFIX = 'pd1.';

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHER_PREFIX);
}

export function encryptField(key: DataKey, place: string, plaintext: string): string {
  return gcmSeal(CIPHER_PREFIX, key, additionalData(key.keyId, place), plaintext);
}

export function decryptField(key: DataKey, place: string, value: string): string {
  return gcmOpen(CIPHER_PREFIX, key, additionalData(key.keyId, place), value, place);
}

const additionalData = (keyId: string, place: string) => Buffer.from(`${CIPHER_PREFIX}${keyId}|${place}`, 'utf8');
