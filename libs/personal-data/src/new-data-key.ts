import { randomBytes, randomUUID } from 'node:crypto';
import { DATA_KEY_BYTES, type DataKey } from './data-key-store.port';

/** A fresh key; its id is random, so it says nothing of its subject. */
export const newDataKey = (): DataKey => ({ keyId: randomUUID(), key: randomBytes(DATA_KEY_BYTES) });
