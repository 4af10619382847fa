import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { notFound } from '../app-error';

/** GET /metrics on the service's own port, in Prometheus text format; a 404 that says why when metrics are off. */
export function metricsRoute(app: FastifyInstance, registry: Registry | undefined): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    if (!registry) throw notFound('METRICS.OFF', 'Metrics are off (METRICS=off)');
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * METRICS_PORT: /metrics on a port of its own, e.g. reachable only from the
 * cluster's Prometheus while the API port faces the internet.
 */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<{ address: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const bound = server.address();
  const address = typeof bound === 'object' && bound ? `http://${host}:${bound.port}` : String(bound);
  return { address, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
