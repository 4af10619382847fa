// The port and what every adapter shares. Adapters live behind subpath exports
// (`@support-desk/event-store/sqlite`, `/eventstoredb`, `/postgres`) so a process
// loads only the client library of the store it uses.
export * from './event-store.port';
export * from './retry-backoff';
export * from './command-handler';
