export * from './events/ticket-events';
export * from './events/avro-codec';
export * from './http/envelope';
export * from './http/fields';
export * from './http/support-record.schema';
export * from './http/create-ticket.schema';
export * from './http/search-tickets.schema';
export * from './http/file-routes.schema';
