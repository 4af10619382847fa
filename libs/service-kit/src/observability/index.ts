export * from './metrics-registry';
export * from './http-metrics.plugin';
export * from './health-routes';
export * from './metrics-endpoint';
export * from './tracing';
export * from './http-tracing.plugin';
