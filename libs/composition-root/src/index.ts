export * from './service-config';
export * from './zendesk-config';
export * from './infra-config';
export * from './adapters';
export * from './admin-tokens';
export * from './file-links';
export * from './run-service';
export * from './service-app';
