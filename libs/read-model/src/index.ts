export * from './ticket-read-model.port';
export { InMemoryTicketReadModel } from './memory/in-memory-ticket-read-model';
export { SqliteTicketReadModel } from './sqlite/sqlite-ticket-read-model';
export { MongoTicketReadModel, type MongoTicketReadModelOptions } from './mongodb/mongo-ticket-read-model';
