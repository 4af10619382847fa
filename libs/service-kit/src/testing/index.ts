export * from './real-servers';
export * from './tcp-proxy';
export * from './prom-text';
export * from './jwks-server';
