import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandling } from './error-handler';

async function app() {
  const app = Fastify();
  installErrorHandling(app);
  app.get('/api/things/:id', async () => ({ ok: true }));
  app.post('/api/things/:id', async () => ({ ok: true }));
  app.get('/files/*', async (_request, reply) => reply.callNotFound());
  await app.ready();
  return app;
}

describe('undeclared methods on known paths', () => {
  it('answers 405 with Allow, in the envelope', async () => {
    const res = await (await app()).inject({ method: 'TRACE', url: '/api/things/42?x=1' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.json()).toEqual({
      data: null,
      detail: { code: 'REQUEST.METHOD_NOT_ALLOWED' },
      error: true,
      message: 'Method TRACE is not allowed on /api/things/42; allowed: GET, HEAD, POST',
    });
  });

  it('keeps 404 for unknown paths and for a served method that finds nothing', async () => {
    const a = await app();
    const unknown = await a.inject({ method: 'TRACE', url: '/api/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail.code).toBe('ROUTE.NOT_FOUND');
    const missing = await a.inject({ method: 'GET', url: '/files/a/b' });
    expect(missing.statusCode).toBe(404);
    expect((await a.inject({ method: 'DELETE', url: '/files/a/b' })).headers.allow).toBe('GET, HEAD');
  });
});
