/** Stable domain codes → HTTP, given once to every app's error handler. */
export const ERROR_CODE_STATUSES: Record<string, number> = {
  'TICKET.NOT_FOUND': 404,
  'TICKET.ALREADY_EXISTS': 409,
  'TICKET.ALREADY_SYNCED': 409,
  'TICKET.ZENDESK_MISMATCH': 409,
  'BLOB.TOO_LARGE': 413,
};
