export { MongoTicketReadModel, type MongoTicketReadModelOptions, type SearchStrategy } from './mongo-ticket-read-model';
