import type { JsonObject } from '@support-desk/event-store';
import type { DataKey } from './data-key-store.port';
import { PersonalDataDecryptError, gcmOpen, gcmSeal } from './aes-gcm';

/**
 * pd2: all personal field values of one event under one AES-256-GCM seal (one
 * cipher per event instead of one per field: creating the cipher, not the
 * bytes, is what a field costs). In the stored event:
 *
 *   data.<field>                   "pd2" (SEALED_FIELD) for each personal field that had a value;
 *                                  null / absent stay as they were
 *   metadata.sealedFields          pd2.<iv: 12 random bytes, base64url>.<ciphertext + 16-byte tag, base64url>
 *
 * The plaintext is the JSON of { field: value } (text as a string, a textList
 * as its array). The additional data binds the seal to its key and its event
 * type, so an envelope moved to an event of another type, or opened with
 * another key, fails to open.
 */
export const SEAL_PREFIX = 'pd2.';

/** What a sealed field holds in `data`: its value is in the event's envelope. */
export const SEALED_FIELD = 'pd2';

export function isSealEnvelope(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEAL_PREFIX);
}

export function sealFields(key: DataKey, eventType: string, fields: JsonObject): string {
  return gcmSeal(SEAL_PREFIX, key, additionalData(key.keyId, eventType), JSON.stringify(fields));
}

/** The sealed { field: value }; PersonalDataDecryptError when the envelope is malformed, altered, or not this key's and type's. */
export function openSeal(key: DataKey, eventType: string, envelope: unknown): JsonObject {
  if (typeof envelope !== 'string') throw new PersonalDataDecryptError(`${eventType}: sealed fields are not a ${SEAL_PREFIX} value (key ${key.keyId})`);
  const clear = gcmOpen(SEAL_PREFIX, key, additionalData(key.keyId, eventType), envelope, `${eventType} sealed fields`);
  // Authenticated, so written by us: an object. Checked anyway, a wrong shape must not pass as data.
  const fields = JSON.parse(clear) as unknown;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new PersonalDataDecryptError(`${eventType}: sealed fields are not an object (key ${key.keyId})`);
  return fields as JsonObject;
}

const additionalData = (keyId: string, eventType: string) => Buffer.from(`${SEAL_PREFIX}${keyId}|${eventType}`, 'utf8');
