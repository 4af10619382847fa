import type { RecordedEvent } from '@support-desk/event-store';
import { isCiphertext, PERSONAL_DATA_METADATA } from '@support-desk/personal-data';

/**
 * What leaves the store for the bus (README "Personal data", Kafka). The relay
 * reads through protectPersonalData, so personal fields go out as the store
 * decrypts them: clear, or ERASED once their subject was erased. Our own
 * consumers need them clear (query-service indexes them for search, zendesk-sync
 * names attachments after fileName), other teams follow tickets from them, and a
 * consumer can't be handed our keys: so they are published clear, and erasure is
 * announced on the bus (UserErased) for every consumer to erase its copies.
 *
 * Not published: the data key id (an internal handle, useless outside). The
 * data subject (the user's uuid) stays in the metadata: it is how a consumer
 * ties a comment or an upload to the user a UserErased names.
 *
 * Refused (a relay wired to the raw store would publish what nobody can read):
 * a pd2 envelope (metadata.sealedFields; the decorator removes it once opened,
 * and every pd2 event carries it, markers included) and pd1 values. The pd2
 * marker alone is not refused: once opened, a user's own text may be exactly
 * "pd2", and refusing it would stop the relay for good.
 */
export function publishedEvent(event: RecordedEvent): RecordedEvent {
  const { [PERSONAL_DATA_METADATA.keyId]: keyId, [PERSONAL_DATA_METADATA.sealed]: envelope, ...metadata } = event.metadata;
  if (envelope !== undefined) throw stillEncrypted(event, `metadata.${PERSONAL_DATA_METADATA.sealed}`);
  if (keyId === undefined) return event;
  const sealed = Object.entries(event.data).find(([, value]) => isCiphertext(value));
  if (sealed) throw stillEncrypted(event, `field ${sealed[0]}`);
  return { ...event, metadata };
}

// The relay retries, and says why.
const stillEncrypted = (event: RecordedEvent, what: string) =>
  new Error(`event ${event.id}: ${what} is still encrypted; the relay must read the store through protectPersonalData (composition-root)`);
