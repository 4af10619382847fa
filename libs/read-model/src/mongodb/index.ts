export { MongoTicketReadModel, type MongoTicketReadModelOptions } from './mongo-ticket-read-model';
