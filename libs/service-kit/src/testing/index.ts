export * from './real-servers';
export * from './tcp-proxy';
