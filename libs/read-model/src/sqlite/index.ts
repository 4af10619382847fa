export { SqliteTicketReadModel } from './sqlite-ticket-read-model';
