// The port and the in-memory adapter (no dependencies). SQLite and MongoDB live
// behind `@support-desk/read-model/sqlite` and `/mongodb`.
export * from './ticket-read-model.port';
export { textWords, ticketWords } from './search-text';
export { TICKET_VIEW_SCHEMA_VERSION, readStoredView, type StoredTicketView, type TicketView } from './ticket-view';
export { InMemoryTicketReadModel } from './memory/in-memory-ticket-read-model';
export { anonymiseView, erasedSubjectMarker, guardErased, isErasedView } from './ticket-view-erasure';
