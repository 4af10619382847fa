export { TicketStore } from './ticket-store';
