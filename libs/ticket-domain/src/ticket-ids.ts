import { createHash } from 'node:crypto';

/**
 * The record id (feedbackId, used by uploads) is derived from the ticket id
 * (coreTicketId, used by downloads) as a name-based UUID v5. Either route can then
 * find the ticket's stream without a lookup table, and the derivation is stable
 * across services and restarts.
 */
const RECORD_NAMESPACE = '6f1d4c52-2b8e-4c1b-9a55-3f7f0c1e9b21';
const IDEMPOTENCY_NAMESPACE = 'a3c1e0d4-8f3b-4f0a-bb1e-52d7c9e4a611';

export const recordIdForTicket = (ticketId: string): string => uuidV5(RECORD_NAMESPACE, ticketId.toLowerCase());

/** A client's Idempotency-Key maps to one ticket id, so a retried create hits the same stream. */
export const ticketIdForIdempotencyKey = (key: string): string => uuidV5(IDEMPOTENCY_NAMESPACE, key);

export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
