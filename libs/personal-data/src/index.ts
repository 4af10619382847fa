// The port, the cipher and the EventStore decorator. Adapters live behind subpath
// exports (`@support-desk/personal-data/memory`, `/sqlite`, `/postgres`) so a
// process loads only the client library of the key store it uses.
export * from './data-key-store.port';
export * from './master-keys';
export * from './field-cipher';
export * from './event-seal';
export * from './personal-data.policy';
export * from './protect-personal-data';
export * from './cached-data-key-store';
