import type { JsonObject, NewEvent } from '@support-desk/event-store';
import type { DataKey } from '../data-key-store.port';
import { encryptField } from '../field-cipher';
import { PERSONAL_DATA_METADATA, TICKET_PERSONAL_DATA, type PersonalDataPolicy } from '../personal-data.policy';

/**
 * An event as protectPersonalData stored it before pd2: each personal field
 * its own pd1 value, no sealed envelope. Append it to the raw store to prove
 * that such events, already stored, still read.
 */
export function pd1Event(event: NewEvent, key: DataKey, subject: string, policy: PersonalDataPolicy = TICKET_PERSONAL_DATA): NewEvent {
  const data: JsonObject = { ...event.data };
  for (const [field, kind] of Object.entries(policy[event.type]?.fields ?? {})) {
    const value = data[field];
    if (value === null || value === undefined) continue;
    data[field] = encryptField(key, `${event.type}.${field}`, kind === 'textList' ? JSON.stringify(value) : String(value));
  }
  return { ...event, data, metadata: { ...event.metadata, [PERSONAL_DATA_METADATA.subject]: subject, [PERSONAL_DATA_METADATA.keyId]: key.keyId } };
}
