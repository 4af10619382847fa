export { ticketReadModelContract, sampleTicket, type TicketReadModelFactory } from './ticket-read-model.contract';
