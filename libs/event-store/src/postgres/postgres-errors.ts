import { EventStoreUnavailableError } from '../event-store.port';

// Socket-level failures: the server is down, unreachable, or went away mid-query.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

// SQLSTATEs that say "not now" rather than "wrong": admin/crash shutdown, starting
// up, too many connections, a statement cancelled by statement_timeout.
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

// node-postgres raises these as plain Errors, without a code.
const CLIENT_MESSAGES = [
  /timeout exceeded when trying to connect/i, // waiting for a pool slot or a new connection
  /Connection terminated/i, // "... unexpectedly", "... due to connection timeout"
  /connection timeout/i,
  /Client has encountered a connection error/i,
  /Query read timeout/i, // query_timeout: no answer from the server in time
];

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (code.startsWith('08')) return true; // connection_exception class
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailable); // Node's happy-eyeballs connect
  return CLIENT_MESSAGES.some((m) => m.test(error.message));
}

/** The typed error callers map to 503 + Retry-After; anything else is rethrown as it is. */
export function toStoreError(error: unknown, doing: string): unknown {
  if (error instanceof EventStoreUnavailableError || !isUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
  return new EventStoreUnavailableError(`PostgreSQL event store unavailable while ${doing}: ${reason}`, 1, { cause: error });
}

/** The constraint a unique violation names, if it is one. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined;
}
