import { hash } from 'node:crypto';
import { ERASED, isErased } from '@support-desk/contracts';
import type { TicketView } from './ticket-view';

/**
 * What erasing a subject (GDPR Art. 17, issue 15) does to each field of a view.
 * Every field is listed, so a field added to TicketView does not compile until
 * someone decides whether it is personal. Ids we issue, dates, statuses, the
 * category (a fixed list) and which files exist stay: the ticket still counts
 * and pages; what identifies or describes the person goes, the uuid too, so a
 * search by the user's uuid, email, phone or udid finds nothing.
 */
const FATE = {
  schemaVersion: 'keep',
  recordId: 'keep',
  ticketId: 'keep',
  uuid: 'erase',
  udid: 'erase',
  subject: 'erase',
  message: 'erase',
  email: 'erase',
  /** null (never given) stays null: there is nothing to erase. */
  name: 'erase',
  category: 'keep',
  phone: 'erase',
  /** Image file names (a user's own names may say who they are). */
  images: 'empty',
  requestedAt: 'keep',
  files: 'keep',
  ticketStatus: 'keep',
  sync: 'keep',
} as const satisfies Record<keyof TicketView, 'keep' | 'erase' | 'empty'>;

/** The view with every personal field ERASED (lists empty). Idempotent. */
export function anonymiseView(view: TicketView): TicketView {
  const out: Record<string, unknown> = { ...view };
  for (const [field, fate] of Object.entries(FATE)) {
    if (fate === 'erase' && out[field] !== null && out[field] !== undefined) out[field] = ERASED;
    if (fate === 'empty') out[field] = [];
  }
  return out as TicketView;
}

/** An erased view: its uuid is gone (the evolve of shredded events gives the same). */
export function isErasedView(view: TicketView): boolean {
  return isErased(view.uuid);
}

/** The view as it may be stored: anonymised when its subject was erased or it already reads as erased. */
export function guardErased(view: TicketView, subjectErased: boolean): TicketView {
  return subjectErased || isErasedView(view) ? anonymiseView(view) : view;
}

/**
 * What a read model keeps to remember that a subject was erased, so a later
 * write of a view folded from events decrypted before the key was deleted (a
 * projection racing the erasure, a rebuild running meanwhile) is anonymised
 * too. A hash, not the uuid: the erasure keeps nothing that names the person
 * (issue 15); uuids are random, so the hash cannot be walked back. Normalized
 * like the uuid search key (case does not matter).
 */
export function erasedSubjectMarker(uuid: string): string {
  // One-shot crypto.hash: ~1.2 µs against ~2.0 µs for a createHash chain (every read-model write asks for a marker).
  return hash('sha256', `support-desk/erased-subject/${uuid.trim().toLowerCase()}`, 'hex');
}
