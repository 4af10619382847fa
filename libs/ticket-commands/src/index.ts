export { TicketCommandHandler } from './ticket-command-handler';
