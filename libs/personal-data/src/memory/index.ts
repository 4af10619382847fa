export * from './memory-data-key-store';
