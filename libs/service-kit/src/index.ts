export * from './config';
export * from './logger';
export * from './app-error';
export * from './error-handler';
export * from './admin-auth';
export * from './user-auth';
export * from './user-token';
export * from './user-rate-limit';
export * from './create-service-app';
export * from './graceful-shutdown';
export * from './observability';

