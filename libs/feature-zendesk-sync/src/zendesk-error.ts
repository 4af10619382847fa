/**
 * How a Zendesk call went wrong, which decides what we do next:
 * - rate-limited: 429, wait Retry-After, does not use up an attempt;
 * - unavailable (5xx, 408, 409), timeout, network: retry with back-off; the
 *   request may have been applied, so creates rely on Idempotency-Key / external_id;
 * - refused: any other 4xx; retrying the same request cannot help.
 */
export type ZendeskFailureKind = 'rate-limited' | 'unavailable' | 'timeout' | 'network' | 'refused';

export class ZendeskError extends Error {
  constructor(
    readonly kind: ZendeskFailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ZendeskError';
  }

  get retryable(): boolean {
    return this.kind !== 'refused';
  }
}

/** An operation failed for good: after its attempts, or at once when Zendesk refused it. */
export class ZendeskGaveUp extends Error {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    override readonly cause: ZendeskError,
  ) {
    super(`${operation}: ${cause.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`);
    this.name = 'ZendeskGaveUp';
  }
}
