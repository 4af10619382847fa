import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServiceApp } from '../create-service-app';
import { createMetricsRegistry } from './metrics-registry';

describe('service-kit probes and metrics', () => {
  let app: FastifyInstance;
  afterEach(() => app?.close());

  async function build(options: { failing?: boolean; metrics?: boolean } = {}) {
    const registry = options.metrics === false ? undefined : createMetricsRegistry('test-service', { defaults: false });
    app = await createServiceApp({
      name: 'test-service',
      logLevel: 'silent',
      metrics: registry,
      healthChecks: {
        store: async () => undefined,
        blobs: async () => {
          if (options.failing) throw new Error('connection refused');
        },
      },
    });
    app.get('/api/things/:id', async () => ({ ok: true }));
    app.post('/api/things', async () => ({ ok: true }));
    return app;
  }

  it('/health/live answers without asking any back-end; /health/ready runs every check', async () => {
    await build({ failing: true });
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ error: true, data: { service: 'test-service', checks: { store: 'ok', blobs: 'connection refused' } } });
    // /api/health is unchanged.
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(503);
  });

  it('/health/ready is 200 when every adapter answers', async () => {
    await build();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().data.checks).toEqual({ store: 'ok', blobs: 'ok' });
  });

  it('records requests by route template, never by the id in the URL, with body sizes', async () => {
    await build();
    await app.inject({ method: 'GET', url: '/api/things/first-thing' });
    await app.inject({ method: 'GET', url: '/api/things/second-thing' });
    await app.inject({ method: 'POST', url: '/api/things', payload: { name: 'x'.repeat(100) } });
    await app.inject({ method: 'GET', url: '/no/such/route/third-thing' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('http_request_duration_seconds_count{service="test-service",route="/api/things/:id",method="GET",status_code="200"} 2');
    expect(text).toContain('http_request_duration_seconds_count{service="test-service",route="unmatched",method="GET",status_code="404"} 1');
    expect(text).toMatch(/http_request_size_bytes_sum\{service="test-service",route="\/api\/things",method="POST"\} 1\d\d\n/);
    expect(text).toMatch(/http_response_size_bytes_count\{service="test-service",route="\/api\/things\/:id",method="GET"\} 2\n/);
    // Ids are words, not digits: a duration sum such as 0.0032238710001111 once matched a digit id.
    expect(text).not.toMatch(/first-thing|second-thing|third-thing|no\/such/);
  });

  it('/metrics is a 404 that says why when metrics are off', async () => {
    await build({ metrics: false });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('METRICS=off');
  });
});
