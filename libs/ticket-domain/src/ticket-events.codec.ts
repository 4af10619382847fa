import { isTicketEventType, type TicketEvent } from '@support-desk/contracts';

/** A stored event (as any store or bus hands it over) back to a typed TicketEvent; unknown types are skipped. */
export function toTicketEvent(stored: { type: string; data: unknown }): TicketEvent | undefined {
  if (!isTicketEventType(stored.type)) return undefined;
  return { type: stored.type, data: stored.data } as TicketEvent;
}
