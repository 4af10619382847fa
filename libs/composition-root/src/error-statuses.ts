import type { BlobTooLargeError } from '@support-desk/blob-store';
import type { EventStoreUnavailableError } from '@support-desk/event-store';
import type { IdempotencyKeyReusedError } from '@support-desk/ticket-commands';
import type { DomainErrorCode } from '@support-desk/ticket-domain';

/** Codes of errors that know nothing of HTTP: the domain's rules, the command layer's, the blob store's size refusal, an unreachable event store. */
type HttpUnawareErrorCode = DomainErrorCode | IdempotencyKeyReusedError['code'] | BlobTooLargeError['code'] | EventStoreUnavailableError['code'];

/**
 * Stable error codes → HTTP, given once to every app's error handler. Keyed by
 * the codes' own types: a new DomainError code without a status here is a compile
 * error, never a silent 500.
 */
export const ERROR_CODE_STATUSES = {
  'TICKET.NOT_FOUND': 404,
  'TICKET.ALREADY_EXISTS': 409,
  'TICKET.ALREADY_SYNCED': 409,
  'TICKET.ZENDESK_MISMATCH': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'BLOB.TOO_LARGE': 413,
  // With Retry-After (the error carries it): the store is down, not the request wrong.
  'EVENT_STORE.UNAVAILABLE': 503,
} as const satisfies Record<HttpUnawareErrorCode, number>;
