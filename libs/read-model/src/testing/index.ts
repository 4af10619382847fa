export { ticketReadModelContract, sampleView, type TicketReadModelFactory } from './ticket-read-model.contract';
export { pageAll } from './ticket-read-model.search.contract';
export { personalView } from './ticket-read-model.erasure.contract';
