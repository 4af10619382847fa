import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, SERVICE_NAMES, openApiPath, type ApiRoute, type ServiceName } from '@support-desk/contracts';
import { createServiceApp } from '@support-desk/service-kit';
import { joinApiDocuments, type OpenApiDocument } from './api-document';
import { buildGateway } from './app';
import { SERVICE_PLUGINS } from './testing/service-plugins';

/**
 * Stack mode's /api/openapi.json is the whole API: the gateway in front of the
 * four services, each on service-kit with its real route plugins (their schemas
 * make the document; stand-in deps answer nothing here), serves every operation
 * of the route table, and the same document as one app with every plugin, which
 * is how `npm start` (apps/support-desk) builds its own.
 */
async function serviceApp(name: string, service: ServiceName[]): Promise<FastifyInstance> {
  const app = await createServiceApp({ name, logLevel: 'silent' });
  for (const s of service) for (const plugin of SERVICE_PLUGINS[s]()) await app.register(plugin);
  return app;
}

const documented = (Object.entries(API_ROUTES) as [string, ApiRoute][]).filter(([, r]) => r.path.startsWith('/api/'));

describe("the gateway's OpenAPI document", () => {
  const services = {} as Record<ServiceName, FastifyInstance>;
  const urls = {} as Record<ServiceName, string>;
  let gateway: FastifyInstance;
  let base: string;
  let served: OpenApiDocument;

  beforeAll(async () => {
    for (const service of SERVICE_NAMES) {
      services[service] = await serviceApp(service, [service]);
      urls[service] = await services[service].listen({ host: '127.0.0.1', port: 0 });
    }
    gateway = await buildGateway({ upstreams: urls, timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 }, logLevel: 'silent' });
    base = await gateway.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    served = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(services).map((app) => app.close()));
  });

  it.each(documented)('lists %s, from its owner', (name, route) => {
    expect(served.paths?.[openApiPath(route.path)]?.[route.method.toLowerCase()]).toMatchObject({ operationId: name });
  });

  it('is not one service’s: each alone documents only its own operations', async () => {
    const own = (await (await fetch(`${urls['intake-api']}/api/openapi.json`)).json()) as OpenApiDocument;
    expect(Object.keys(own.paths ?? {}).length).toBeLessThan(Object.keys(served.paths ?? {}).length);
    expect(Object.keys(served.paths ?? {}).sort()).toEqual([...new Set(documented.map(([, r]) => openApiPath(r.path)))].sort());
  });

  it('equals the document of one app with every service’s routes (npm start’s)', async () => {
    const allInOne = await serviceApp('support-desk', [...SERVICE_NAMES]);
    try {
      const whole = (await allInOne.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
      expect(Object.keys(whole.paths ?? {}).length).toBeGreaterThan(10);
      expect(served).toEqual(whole);
    } finally {
      await allInOne.close();
    }
  });

  it('is what Swagger UI reads through the gateway too', async () => {
    expect(await (await fetch(`${base}/api/docs/json`)).json()).toEqual(served);
  });

  it('is a 502 in the envelope, naming the service, while a service is down (never a partial document)', async () => {
    const down = await buildGateway({
      upstreams: { ...urls, 'zendesk-sync': 'http://127.0.0.1:9' },
      timeouts: { connectMs: 1_000, headersMs: 2_000, bodyMs: 2_000 },
      logLevel: 'silent',
    });
    try {
      const res = await down.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({ data: null, error: true, detail: { code: 'GATEWAY.API_DOCUMENT_UNAVAILABLE' } });
      expect(res.json().message).toContain('zendesk-sync');
    } finally {
      await down.close();
    }
  });

  it('refuses to join documents that define one schema differently', () => {
    const doc = (schemas: Record<string, unknown>): OpenApiDocument => ({ openapi: '3.1.0', paths: {}, components: { schemas } });
    const docs = { 'intake-api': doc({ A: { type: 'string' } }), 'file-service': doc({ A: { type: 'integer' } }) } as Record<ServiceName, OpenApiDocument>;
    docs['query-service'] = doc({});
    docs['zendesk-sync'] = doc({});
    expect(() => joinApiDocuments(docs)).toThrow(/schema A differently/);
    docs['file-service'] = doc({ A: { type: 'string' }, B: { type: 'integer' } });
    expect(joinApiDocuments(docs).components?.schemas).toEqual({ A: { type: 'string' }, B: { type: 'integer' } });
  });
});
