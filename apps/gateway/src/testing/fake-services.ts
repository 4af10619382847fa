import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_ROUTES, SERVICE_NAMES, ok, type ApiRoute, type ServiceName } from '@support-desk/contracts';
import { AppError, createMetricsRegistry, createServiceApp } from '@support-desk/service-kit';

/** What a stand-in service saw of a request. */
export type Echo = { service: ServiceName; method: string; url: string; headers: Record<string, string>; bodyBytes: number; bodySha256: string };

/** Uploads whose declared length is over this are refused before a byte is read, as file-service does. */
export const FAKE_UPLOAD_LIMIT = 8 * 1024 * 1024;

/**
 * Four stand-ins for the services, on service-kit's app like the real ones (same
 * body limit, error envelope, health), each serving the table's routes it owns on
 * its own 127.0.0.1 port. They echo what they received; test headers make them slow:
 * `x-test-delay-ms` before answering, `x-test-read-delay-ms` before reading an upload.
 * GET with `?bytes=N` streams N bytes back.
 */
export type FakeServices = {
  urls: Record<ServiceName, string>;
  /** Requests each service answered, whatever the status. */
  answered: Record<ServiceName, number>;
  /** Uploads whose reading ended, complete or cut short. */
  readonly uploadsEnded: number;
  close(): Promise<void>;
};

export async function startFakeServices(): Promise<FakeServices> {
  const apps = {} as Record<ServiceName, FastifyInstance>;
  const urls = {} as Record<ServiceName, string>;
  let uploadsEnded = 0;
  const answered = Object.fromEntries(SERVICE_NAMES.map((s) => [s, 0])) as Record<ServiceName, number>;
  for (const service of SERVICE_NAMES) {
    apps[service] = await fakeService(
      service,
      () => void answered[service]++,
      () => void uploadsEnded++,
    );
    urls[service] = await apps[service].listen({ host: '127.0.0.1', port: 0 });
  }
  return {
    urls,
    answered,
    get uploadsEnded() {
      return uploadsEnded;
    },
    close: async () => void (await Promise.all(Object.values(apps).map((app) => app.close()))),
  };
}

async function fakeService(service: ServiceName, onAnswered: () => void, onUploadEnded: () => void): Promise<FastifyInstance> {
  // Metrics on, as in every real service (their default): /metrics answers 200.
  const app = await createServiceApp({ name: service, logLevel: 'silent', metrics: createMetricsRegistry(service, { defaults: false }) });
  app.addHook('onResponse', async () => onAnswered());
  const owned = (Object.values(API_ROUTES) as ApiRoute[]).filter((r) => r.owner === service);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const route of owned.filter((r) => r.body !== 'multipart')) {
      scope.route({
        method: route.method,
        url: route.path,
        handler: async (request, reply) => {
          await delay(request, 'x-test-delay-ms');
          const bytes = Number((request.query as { bytes?: string }).bytes);
          if (route.method === 'GET' && bytes > 0) return reply.type('application/octet-stream').send(Buffer.alloc(bytes, 7));
          return echo(service, request, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
        },
      });
    }
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    for (const route of owned.filter((r) => r.body === 'multipart')) {
      scope.route({
        method: route.method,
        url: route.path,
        handler: async (request) => {
          if (Number(request.headers['content-length']) > FAKE_UPLOAD_LIMIT)
            throw new AppError(413, 'UPLOAD.TOO_LARGE', 'The file is larger than the limit of 8 MiB');
          await delay(request, 'x-test-read-delay-ms');
          const hash = createHash('sha256');
          let size = 0;
          try {
            for await (const chunk of request.body as Readable) {
              hash.update(chunk as Buffer);
              size += (chunk as Buffer).length;
            }
          } finally {
            onUploadEnded();
          }
          return echo(service, request, undefined, { size, sha256: hash.digest('hex') });
        },
      });
    }
  });
  return app;
}

function echo(service: ServiceName, request: FastifyRequest, body?: Buffer, streamed?: { size: number; sha256: string }) {
  const data: Echo = {
    service,
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
    bodyBytes: streamed?.size ?? body?.length ?? 0,
    bodySha256:
      streamed?.sha256 ??
      createHash('sha256')
        .update(body ?? Buffer.alloc(0))
        .digest('hex'),
  };
  return ok(data, 'echo');
}

async function delay(request: FastifyRequest, header: string): Promise<void> {
  const ms = Number(request.headers[header] ?? 0);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
