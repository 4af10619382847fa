export * from './real-servers';
export * from './tcp-proxy';
export * from './prom-text';
