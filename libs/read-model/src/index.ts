// The port and the in-memory adapter (no dependencies). SQLite and MongoDB live
// behind `@support-desk/read-model/sqlite` and `/mongodb`.
export * from './ticket-read-model.port';
export { InMemoryTicketReadModel } from './memory/in-memory-ticket-read-model';
