import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { API_ROUTES, COMMON_ROUTES, JSON_BODY_LIMIT_BYTES, fail, type ApiRoute, type ServiceName } from '@support-desk/contracts';
import { installErrorHandling, loggerOptions } from '@support-desk/service-kit';
import { ApiDocumentError, fetchApiDocument } from './api-document';
import { forwardTo } from './forward';
import { boundedBody, refuseOversizeBody, streamedBody } from './request-bodies';

export type GatewayOptions = {
  upstreams: Record<ServiceName, string>;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  logLevel?: string;
  /** Who answers health and Swagger UI, which every service serves (the OpenAPI document is the gateway's own). */
  commonRoutesOwner?: ServiceName;
};

/**
 * Stack mode's single base URL, what an ingress does in production: exactly the
 * routes of the contracts' table, each forwarded to its owner. Anything else is
 * a 404 in the seed's envelope, and so are the gateway's own failures (502
 * service unavailable, 504 service too slow).
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', 'gateway'),
    requestIdHeader: 'x-request-id',
    // An upload can take long: only idle keep-alive connections are cut, and on close only idle ones at once.
    requestTimeout: 0,
    forceCloseConnections: 'idle',
  });
  installErrorHandling(app);
  await app.register(replyFrom, {
    disableRequestLogging: true,
    destroyAgent: true,
    undici: {
      connections: 128,
      pipelining: 1,
      connectTimeout: options.timeouts.connectMs,
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyMs,
    },
  });

  const routes = Object.values(API_ROUTES) as ApiRoute[];
  const upstream = (owner: ServiceName) => forwardTo(owner, options.upstreams[owner]);

  // JSON bodies are read whole (bounded like every service's parser) and sent in one
  // write: an oversize body gets the 413 envelope here, at the edge. A service refusing
  // it mid-stream would close on the gateway, still sending, which then lost the answer (502).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', boundedBody(JSON_BODY_LIMIT_BYTES));
    scope.addHook('preValidation', refuseOversizeBody);
    for (const route of routes.filter((r) => r.body === 'json')) scope.route({ method: route.method, url: route.path, handler: upstream(route.owner) });
  });

  // Uploads of any size are streamed with back-pressure, never held here; the owner
  // enforces its limits while it reads.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', streamedBody);
    for (const route of routes.filter((r) => r.body === 'multipart')) scope.route({ method: route.method, url: route.path, handler: upstream(route.owner) });
  });

  for (const route of routes.filter((r) => r.body === 'none')) app.route({ method: route.method, url: route.path, handler: upstream(route.owner) });

  // The whole API's document (every service's operations), not one service's: at
  // /api/openapi.json and where Swagger UI reads it (/api/docs/json; the UI itself
  // comes from a service). 502 when a service is down: a partial document would lie.
  const apiDocument = async (_request: unknown, reply: FastifyReply) => {
    try {
      return await fetchApiDocument(options.upstreams, options.timeouts.headersMs);
    } catch (error) {
      if (!(error instanceof ApiDocumentError)) throw error;
      reply.log.warn({ upstream: error.service, err: error }, 'API document unavailable');
      return reply.code(502).send(fail(error.message, { code: 'GATEWAY.API_DOCUMENT_UNAVAILABLE' }));
    }
  };
  app.get(COMMON_ROUTES.openapi.path, apiDocument);
  app.get('/api/docs/json', apiDocument);
  for (const route of Object.values(COMMON_ROUTES).filter((r) => r !== COMMON_ROUTES.openapi))
    app.route({ method: route.method, url: route.path, handler: upstream(options.commonRoutesOwner ?? 'intake-api') });

  return app;
}
