import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

type Child = { observe(value: number): void };

/** Seconds; from 1 ms (a cached read) to 10 s (a large upload). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Bytes; a JSON body to a 50 MiB log upload. */
const SIZE_BUCKETS = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864];

/**
 * HTTP request duration by route template, method and status, and body sizes
 * by route and method (uploads in, downloads out). Labels are bounded: the
 * route is fastify's template (`/api/tickets/:id`), unmatched URLs are one
 * label, so a ticket id never becomes a series. Label children are cached, so
 * a request costs two map look-ups and three observations.
 */
export function httpMetricsHooks(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template, method and status code',
    labelNames: ['route', 'method', 'status_code'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const requestSize = new Histogram({
    name: 'http_request_size_bytes',
    help: 'HTTP request body size (Content-Length) by route template and method',
    labelNames: ['route', 'method'],
    buckets: SIZE_BUCKETS,
    registers: [registry],
  });
  const responseSize = new Histogram({
    name: 'http_response_size_bytes',
    help: 'HTTP response body size (Content-Length) by route template and method',
    labelNames: ['route', 'method'],
    buckets: SIZE_BUCKETS,
    registers: [registry],
  });
  const durations = new Map<string, Child>();
  const sizes = new Map<string, { request: Child; response: Child }>();

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const { method } = request;
    const status = reply.statusCode;
    const key = `${method} ${route}`;
    const durationKey = `${key} ${status}`;
    let timer = durations.get(durationKey);
    if (!timer) {
      timer = duration.labels(route, method, String(status));
      durations.set(durationKey, timer);
    }
    timer.observe(reply.elapsedTime / 1000);
    let size = sizes.get(key);
    if (!size) {
      size = { request: requestSize.labels(route, method), response: responseSize.labels(route, method) };
      sizes.set(key, size);
    }
    const inBytes = Number(request.headers['content-length']);
    if (inBytes > 0) size.request.observe(inBytes);
    const outBytes = Number(reply.getHeader('content-length'));
    if (outBytes > 0) size.response.observe(outBytes);
    done();
  });
}
