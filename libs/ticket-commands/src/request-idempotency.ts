import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@support-desk/event-store';
import { foldTicket, toTicketEvent, type OpenTicket } from '@support-desk/ticket-domain';

/** The same Idempotency-Key with another request: the client's mistake, answered 422 (composition-root error-statuses.ts). */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Hash of the validated request with sorted keys, so key order and whitespace don't matter. */
export function requestHash(request: object): string {
  const canonical = JSON.stringify(request, Object.keys(request).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * A retry of a create that already happened: the ticket as the first request
 * left it (its first event alone, so later uploads or syncs don't change the
 * answer), provided the retry carries the same request. Anything else is a key
 * reused for another request.
 */
export function firstOutcome(recorded: RecordedEvent[], hash: string): OpenTicket {
  const first = recorded[0];
  const event = first && first.metadata.requestHash === hash ? toTicketEvent(first) : undefined;
  const ticket = event ? foldTicket([event]) : undefined;
  if (ticket?.status !== 'open') throw new IdempotencyKeyReusedError();
  return ticket;
}
