export { createTicketRoute, type IntakeDeps } from './create-ticket.route';
