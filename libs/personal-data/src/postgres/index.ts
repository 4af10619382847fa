export * from './postgres-data-key-store';
