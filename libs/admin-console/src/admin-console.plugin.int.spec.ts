import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from '@support-desk/service-kit';
import { adminConsolePlugin } from './admin-console.plugin';
import { loadConsoleAssets, toConsoleAssets } from './console-assets';
import { CONTENT_SECURITY_POLICY } from './console-headers';

const page = '<!doctype html><title>console</title><script type="module" src="/admin/assets/app-ABCDEFGH.js"></script>';
const files = toConsoleAssets([
  { name: 'index.html', contents: Buffer.from(page) },
  { name: 'app-ABCDEFGH.js', contents: Buffer.from('console.log(1)') },
  { name: 'app-ABCDEFGH.js.map', contents: Buffer.from('{}') },
  { name: 'admin-ABCDEFGH.css', contents: Buffer.from('body{}') },
  { name: 'favicon.svg', contents: Buffer.from('<svg/>') },
]);

async function appWith(plugin: ReturnType<typeof adminConsolePlugin>): Promise<FastifyInstance> {
  const app = await createServiceApp({ name: 'admin-console-test', logLevel: 'silent' });
  await app.register(plugin);
  await app.ready();
  return app;
}

describe('the admin console plugin', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith(adminConsolePlugin({ assets: async () => files }));
  });
  afterAll(() => app.close());
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it.each(['/admin', '/admin/', '/admin/tickets/5a3c2a47-4d0e-4a4e-9a43-0a0d3b8c6f11', '/admin/?email=a%40b.c&cursor=xyz', '/admin/anything/deeper'])(
    'serves the page for %s, with a strict CSP and no caching',
    async (url) => {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(page);
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    },
  );

  it('allows no inline script or style and no other origin', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'blob:']);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it.each([
    ['app-ABCDEFGH.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['app-ABCDEFGH.js.map', 'application/json; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['admin-ABCDEFGH.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['favicon.svg', 'image/svg+xml', 'public, max-age=3600'],
  ])('serves /admin/assets/%s as %s, cached as %s', async (name, type, cache) => {
    const res = await get(`/admin/assets/${name}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a missing asset with the 404 envelope, never the page', async () => {
    const res = await get('/admin/assets/app-OLDHASH1.js');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: true, detail: { code: 'ROUTE.NOT_FOUND' } });
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/admin/');
    const again = await get('/admin/', { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/admin/', { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/admin/tickets/x' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toBe('');
  });

  it('leaves the console out of the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});

describe('the built console', () => {
  it('is built from the sources when no bundle is beside the module: a page naming its hashed script and stylesheet', async () => {
    const assets = await loadConsoleAssets();
    const html = assets.page.contents.toString();
    const script = /<script type="module" src="\/admin\/assets\/(app-[A-Z0-9]{8}\.js)"><\/script>/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="\/admin\/assets\/(admin-[A-Z0-9]{8}\.css)" \/>/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    expect(assets.files.get(script!)?.contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.files.get(style!)?.contentType).toBe('text/css; charset=utf-8');
    // No inline script or style for the CSP to refuse.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    // Browser code only: nothing of Node (or the server's libraries) in the bundle.
    const js = assets.files.get(script!)!.contents.toString();
    expect(js).not.toMatch(/node:|require\(|fastify|ZodError|\$ZodType/);
    expect(await loadConsoleAssets()).toBe(assets);
  });

  it('is served by the plugin with its defaults', async () => {
    const app = await appWith(adminConsolePlugin());
    try {
      const html = (await app.inject({ method: 'GET', url: '/admin' })).body;
      const script = /src="(\/admin\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(html)![1]!;
      const res = await app.inject({ method: 'GET', url: script });
      expect(res.statusCode).toBe(200);
      expect(res.body.length).toBeGreaterThan(1000);
    } finally {
      await app.close();
    }
  });
});
