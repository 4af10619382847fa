export { TicketCommandHandler, type NewTicket, type RequestTicketOptions, type TicketCommandResult } from './ticket-command-handler';
export { IdempotencyKeyReusedError } from './request-idempotency';
