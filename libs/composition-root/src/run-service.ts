import type { FastifyInstance } from 'fastify';
import {
  ConfigError,
  adminGuard,
  closeOnSignals,
  createLogger,
  createMetricsRegistry,
  parseConfig,
  publicBaseUrl,
  serveMetrics,
  startTracing,
  toUploadLimits,
  type AdminGuard,
  type Registry,
  type Tracing,
  type UploadLimits,
} from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import { resolveAdminTokens } from './admin-tokens';
import { fileLinks } from './file-links';
import { instrumentAdapters } from './observability';
import { openAdapters } from './open-adapters';
import type { Adapters, Port } from './ports';
import { serviceConfigSchema, type ServiceConfig } from './service-config';
import { openUserAuth } from './user-auth-config';
import type { UserAuth } from '@support-desk/service-kit';

export type ServiceContext<P extends Port = Port, Z extends boolean = boolean> = {
  config: ServiceConfig<P, Z>;
  adapters: Adapters<P>;
  links: FileLinks;
  limits: UploadLimits;
  /**
   * The process's Prometheus registry; undefined when METRICS=off and tracing is off (nothing is
   * recorded). Tracing rides on the same decorators: with METRICS=off it exists but is not served.
   */
  metrics?: Registry;
  /** Set when OTEL_EXPORTER_OTLP_ENDPOINT is: flushes spans on shutdown. */
  tracing?: Tracing;
  /** Built lazily: services without admin routes never create a token file. */
  adminGuard(): AdminGuard;
  /** The app user's identity and abuse limits; only for services defined with `userAuth: true`. */
  userAuth?: UserAuth;
};

export type RunningService = {
  app: FastifyInstance;
  /** Background work (relay, consumers) started after the app is ready. */
  start?(): Promise<void>;
  /** Stops background work; runs after in-flight requests finished. */
  stop?(): Promise<void>;
};

/**
 * One entry point: its name and default port, the ports it uses (only those are
 * configured and opened), whether it talks to Zendesk (only then are the
 * Zendesk settings parsed), and how to build it from its context.
 */
export type ServiceDefinition<P extends Port = Port, Z extends boolean = boolean> = {
  name: string;
  defaultPort: number;
  ports: readonly P[];
  zendesk?: Z;
  /** Serves app routes: parse USER_AUTH / USER_JWT_* / USER_RATE_LIMIT_* and give `ctx.userAuth`. */
  userAuth?: boolean;
  build(ctx: ServiceContext<P, Z>): Promise<RunningService>;
};

export const defineService = <P extends Port, Z extends boolean = false>(definition: ServiceDefinition<P, Z>) => definition;

/**
 * Parses the service's config from `env` and opens its adapters: what main.ts
 * does before building the app, and what tests do to build a service in-process.
 */
export async function openServiceContext<P extends Port, Z extends boolean>(
  service: ServiceDefinition<P, Z>,
  env: Record<string, string | undefined> = process.env,
): Promise<ServiceContext<P, Z> & { generatedToken(): { file: string; token: string } | undefined }> {
  const config = parseConfig(serviceConfigSchema(service.defaultPort, service.ports, (service.zendesk ?? false) as Z), env);
  const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? await startTracing(service.name, config.OTEL_EXPORTER_OTLP_ENDPOINT, { sampler: config.OTEL_TRACES_SAMPLER, ratio: config.OTEL_TRACES_SAMPLER_ARG })
    : undefined;
  const metrics = config.METRICS === 'on' || tracing ? createMetricsRegistry(service.name, { defaults: config.METRICS === 'on' }) : undefined;
  const opened = await openAdapters(config as never, service.ports, service.name, createLogger(config.LOG_LEVEL, service.name));
  const adapters = metrics ? instrumentAdapters(opened, metrics) : opened;
  let guard: AdminGuard | undefined;
  let generated: { file: string; token: string } | undefined;
  return {
    config,
    adapters,
    links: fileLinks(publicBaseUrl(config)),
    limits: toUploadLimits(config),
    metrics,
    tracing,
    ...(service.userAuth ? { userAuth: openUserAuth(env, createLogger(config.LOG_LEVEL, service.name)) } : {}),
    adminGuard: () => {
      if (!guard) {
        const { tokens, generatedAt } = resolveAdminTokens(config.ADMIN_TOKEN, config.DATA_DIR);
        if (generatedAt) generated = { file: generatedAt, token: tokens[0]! };
        guard = adminGuard(tokens);
      }
      return guard;
    },
    generatedToken: () => generated,
  };
}

/**
 * The `main.ts` of every entry point: parse config once, open the service's
 * adapters, build the app, listen, and close cleanly on SIGTERM. A bad setting
 * stops the process with a message that names it.
 */
export async function runService<P extends Port, Z extends boolean>(service: ServiceDefinition<P, Z>): Promise<void> {
  let ctx: Awaited<ReturnType<typeof openServiceContext<P, Z>>>;
  try {
    ctx = await openServiceContext(service);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${service.name}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const { config, adapters } = ctx;
  const running = await service.build(ctx);
  const { app } = running;
  const metricsServer =
    ctx.metrics && config.METRICS === 'on' && config.METRICS_PORT !== undefined ? await serveMetrics(ctx.metrics, config.HOST, config.METRICS_PORT) : undefined;
  closeOnSignals(app, [
    { name: 'workers', close: async () => running.stop?.() },
    { name: 'adapters', close: () => adapters.close() },
    { name: 'metrics server', close: async () => metricsServer?.close() },
    { name: 'tracing', close: async () => ctx.tracing?.shutdown() },
  ]);
  await app.ready();
  await running.start?.();
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(
    {
      address,
      adapters: adapters.describe,
      metrics: metricsServer ? `${metricsServer.address}/metrics` : config.METRICS === 'on' ? `${address}/metrics` : 'off',
      tracing: config.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'off',
    },
    `${service.name} listening on ${address} (API docs: ${address}/api/docs)`,
  );
  const generated = ctx.generatedToken();
  if (generated) {
    // Printed, not only logged: a newcomer needs it to call the admin routes.
    console.log(`\n  Admin token (kept in ${generated.file}): ${generated.token}\n  Use it as: Authorization: Bearer <token>\n`);
  }
}
