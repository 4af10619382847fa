export { ticketReadModelContract, sampleView, type TicketReadModelFactory } from './ticket-read-model.contract';
