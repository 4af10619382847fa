export * from './data-key-store.contract';
export * from './array-event-store';
export * from './pd1-event';
export * from './erased-fields';
