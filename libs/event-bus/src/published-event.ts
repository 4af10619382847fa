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
 */
export function publishedEvent(event: RecordedEvent): RecordedEvent {
  const { [PERSONAL_DATA_METADATA.keyId]: keyId, ...metadata } = event.metadata;
  if (keyId === undefined) return event;
  // A relay wired to the raw store would publish ciphertext that nobody can read: stop instead (the relay retries, and says why).
  const sealed = Object.entries(event.data).find(([, value]) => isCiphertext(value));
  if (sealed)
    throw new Error(`event ${event.id}: field ${sealed[0]} is still encrypted; the relay must read the store through protectPersonalData (composition-root)`);
  return { ...event, metadata };
}
