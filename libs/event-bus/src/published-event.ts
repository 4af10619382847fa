import type { RecordedEvent } from '@support-desk/event-store';
import { isCiphertext, PERSONAL_DATA_METADATA, SEALED_FIELD, wasOpened } from '@support-desk/personal-data';

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
 * Refused (a relay wired to the raw store would publish what nobody can read),
 * unless protectPersonalData returned this very event opened (wasOpened: its
 * values are the user's, even a text that starts with "pd1." or is "pd2"): a
 * pd2 envelope (metadata.sealedFields), pd1 values and pd2 markers.
 */
export function publishedEvent(event: RecordedEvent): RecordedEvent {
  const { [PERSONAL_DATA_METADATA.keyId]: keyId, [PERSONAL_DATA_METADATA.sealed]: envelope, ...metadata } = event.metadata;
  if (keyId === undefined && envelope === undefined) return event;
  if (!wasOpened(event)) {
    if (envelope !== undefined) throw stillEncrypted(event, `metadata.${PERSONAL_DATA_METADATA.sealed}`);
    const sealed = Object.entries(event.data).find(([, value]) => isCiphertext(value) || value === SEALED_FIELD);
    if (sealed) throw stillEncrypted(event, `field ${sealed[0]}`);
  }
  return { ...event, metadata };
}

// The relay retries, and says why.
const stillEncrypted = (event: RecordedEvent, what: string) =>
  new Error(`event ${event.id}: ${what} is still encrypted; the relay must read the store through protectPersonalData (composition-root)`);
