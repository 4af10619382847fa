import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { completeOpenApiDocument, ok } from '@support-desk/contracts';
import { installErrorHandling, type ErrorCodeStatuses } from './error-handler';
import { loggerOptions } from './logger';
import { installRequestLogging } from './request-logging';
import { healthRoutes, httpMetricsHooks, httpTracingHooks, metricsRoute, tracingEnabled, type Registry } from './observability';

export type ServiceApp = FastifyInstance;

export type ServiceAppOptions = {
  name: string;
  logLevel?: string;
  errorCodeStatuses?: ErrorCodeStatuses;
  /** JSON body limit; uploads are streamed and limited per route instead. */
  bodyLimit?: number;
  /** Readiness checks for /api/health, e.g. "event store reachable". */
  healthChecks?: Record<string, () => Promise<void>>;
  /** The process's metrics registry: HTTP metrics are recorded into it and served at /metrics. */
  metrics?: Registry;
  /** False when METRICS_PORT serves /metrics on a port of its own. */
  metricsOnAppPort?: boolean;
};

/**
 * The fastify app every service starts from: zod validation and serialization,
 * the seed's error envelope, OpenAPI at /api/openapi.json with Swagger UI at
 * /api/docs, and a health route. Routes are added by the service's plugins.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.name),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Behind an ingress the client address comes in X-Forwarded-For.
    trustProxy: true,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    // Prototype-pollution keys are dropped at parse time; the schema then judges the rest.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    forceCloseConnections: 'idle',
    // Replaced by installRequestLogging: 5xx and slow requests at info, the rest at debug, a summary a minute.
    disableRequestLogging: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, options.errorCodeStatuses);
  installRequestLogging(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Support Desk API',
        version: '1.0.0',
        description: 'Customer-support tickets, files and admin search. Envelope: {data, detail, error, message}.',
      },
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      },
    },
    transform: jsonSchemaTransform,
    // The route schemas, plus what they cannot say (contracts' openapi-document.ts).
    transformObject: (input) => completeOpenApiDocument(jsonSchemaTransformObject(input)),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const checks = options.healthChecks ?? {};
  app.get('/api/health', { schema: { hide: true } }, async (_request, reply) => {
    const results: Record<string, string> = {};
    let healthy = true;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        healthy = false;
        results[name] = error instanceof Error ? error.message : 'failed';
      }
    }
    return reply.code(healthy ? 200 : 503).send({ ...ok({ service: options.name, checks: results }, healthy ? 'ok' : 'degraded'), error: !healthy });
  });
  healthRoutes(app, options.name, checks);
  if (options.metrics) httpMetricsHooks(app, options.metrics);
  if (tracingEnabled()) httpTracingHooks(app);
  if (options.metricsOnAppPort ?? true) metricsRoute(app, options.metrics);

  return app;
}
