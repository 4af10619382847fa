export * from './sqlite-data-key-store';
