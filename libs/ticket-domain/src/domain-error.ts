/**
 * A rule of the domain said no. `code` is stable (clients and the error handler
 * map it); `message` is for people. Every code has its HTTP status in
 * composition-root's error-statuses.ts: a new code is a compile error there until it does.
 */
export type DomainErrorCode = 'TICKET.NOT_FOUND' | 'TICKET.ALREADY_EXISTS' | 'TICKET.ALREADY_SYNCED' | 'TICKET.ZENDESK_MISMATCH';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
