import type { FastifyInstance } from 'fastify';
import { ConfigError, adminGuard, closeOnSignals, createLogger, parseConfig, publicBaseUrl, toUploadLimits, type AdminGuard, type UploadLimits } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import { resolveAdminTokens } from './admin-tokens';
import { openAdapters, type Adapters } from './adapters';
import { fileLinks } from './file-links';
import { serviceConfigSchema, type ServiceConfig } from './service-config';

/** Stable domain codes → HTTP, given once to every app's error handler. */
export const ERROR_CODE_STATUSES: Record<string, number> = {
  'TICKET.NOT_FOUND': 404,
  'TICKET.ALREADY_EXISTS': 409,
  'TICKET.ALREADY_SYNCED': 409,
  'TICKET.ZENDESK_MISMATCH': 409,
  'BLOB.TOO_LARGE': 413,
};

export type ServiceContext = {
  config: ServiceConfig;
  adapters: Adapters;
  links: FileLinks;
  limits: UploadLimits;
  /** Built lazily: services without admin routes never create a token file. */
  adminGuard(): AdminGuard;
};

export type RunningService = {
  app: FastifyInstance;
  /** Background work (relay, consumers) started after the app is ready. */
  start?(): Promise<void>;
  /** Stops background work; runs after in-flight requests finished. */
  stop?(): Promise<void>;
};

/**
 * The `main.ts` of every entry point: parse config once, open adapters, build the
 * app, listen, and close cleanly on SIGTERM. A bad setting stops the process
 * with a message that names it.
 */
export async function runService(name: string, defaultPort: number, build: (ctx: ServiceContext) => Promise<RunningService>): Promise<void> {
  let config: ServiceConfig;
  try {
    config = parseConfig(serviceConfigSchema(defaultPort));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${name}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const adapters = await openAdapters(config, name, createLogger(config.LOG_LEVEL, name));
  let guard: AdminGuard | undefined;
  let generatedToken: { file: string; token: string } | undefined;
  const ctx: ServiceContext = {
    config,
    adapters,
    links: fileLinks(publicBaseUrl(config)),
    limits: toUploadLimits(config),
    adminGuard: () => {
      if (!guard) {
        const { tokens, generatedAt } = resolveAdminTokens(config.ADMIN_TOKEN, config.DATA_DIR);
        if (generatedAt) generatedToken = { file: generatedAt, token: tokens[0]! };
        guard = adminGuard(tokens);
      }
      return guard;
    },
  };
  const service = await build(ctx);
  const { app } = service;
  closeOnSignals(app, [async () => service.stop?.(), () => adapters.close()]);
  await app.ready();
  await service.start?.();
  const address = await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info({ address, adapters: adapters.describe }, `${name} listening on ${address} (API docs: ${address}/api/docs)`);
  if (generatedToken) {
    // Printed, not only logged: a newcomer needs it to call the admin routes.
    console.log(`\n  Admin token (kept in ${generatedToken.file}): ${generatedToken.token}\n  Use it as: Authorization: Bearer <token>\n`);
  }
}
