export * from './real-servers';
export { eventually } from './eventually';
