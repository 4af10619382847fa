export * from './ticket';
export * from './ticket.decider';
export * from './domain-error';
export * from './ticket-ids';
export * from './support-record.view';
export * from './ticket-events.codec';
