import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, COMMON_ROUTES, JSON_BODY_LIMIT_BYTES, type ApiRoute, type ServiceName } from '@support-desk/contracts';
import { buildGateway } from './app';
import { FAKE_UPLOAD_LIMIT, startFakeServices, type Echo, type FakeServices } from './testing/fake-services';

/**
 * The gateway listening on 127.0.0.1 in front of four stand-in services that
 * listen too: real sockets, so early answers, resets and back-pressure behave as
 * they do in stack mode.
 */
const run = promisify(execFile);
type Envelope<T = unknown> = { data: T; detail: { code: string } | null; error: boolean; message: string };

const MiB = 1024 * 1024;
const samplePath = (path: string) => path.replace(/:(\w+)/g, 'p-$1').replace(/\*$/, 'json');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('gateway in front of listening services', () => {
  let fakes: FakeServices;
  let gateway: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    fakes = await startFakeServices();
    gateway = await buildGateway({
      // query-service points at a closed port: the 502 case.
      upstreams: { ...fakes.urls, 'query-service': await closedPortUrl() },
      timeouts: { connectMs: 2_000, headersMs: 1_500, bodyMs: 2_000 },
      logLevel: 'silent',
    });
    base = await gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await fakes?.close();
  });

  const call = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);
  const reachable = (Object.entries(API_ROUTES) as [string, ApiRoute][]).filter(([, r]) => r.owner !== 'query-service');

  it.each(reachable)('%s goes to its owner with path, query and method intact', async (_name, route) => {
    const path = `${samplePath(route.path)}?page=2&bucketType=LOG_IMAGE`;
    const res = await call(path, {
      method: route.method,
      ...(route.method === 'POST' ? { body: '{"a":1}', headers: { 'content-type': 'application/json' } } : {}),
    });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as Envelope<Echo>;
    expect(data).toMatchObject({ service: route.owner, method: route.method, url: path });
  });

  it.each(Object.values(COMMON_ROUTES))('$path (every service has it) is answered by intake-api', async (route) => {
    const res = await call(samplePath(route.path));
    expect(res.status).not.toBe(404);
    if (route.path === '/api/health') expect(((await res.json()) as Envelope<{ service: string }>).data.service).toBe('intake-api');
  });

  it('tells the service who the client is (X-Forwarded-*) and passes the request id on', async () => {
    const res = await call(API_ROUTES.createTicket.path, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9', 'x-request-id': 'req-42', connection: 'keep-alive' },
    });
    const { data } = (await res.json()) as Envelope<Echo>;
    expect(data.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(data.headers['x-forwarded-host']).toBe(new URL(base).host);
    expect(data.headers['x-forwarded-proto']).toBe('http');
    expect(data.headers['x-request-id']).toBe('req-42');
    expect(data.headers.host).toBe(new URL(fakes.urls['intake-api']).host);
  });

  it('answers a route of no service with the 404 envelope and forwards nothing', async () => {
    const before = { ...fakes.answered };
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/api/user/log/message/extra'],
      ['GET', '/'],
    ] as const) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toMatchObject({ data: null, error: true, detail: { code: 'ROUTE.NOT_FOUND' } });
    }
    expect(fakes.answered).toEqual(before);
  });

  it('answers a known path asked with another method with 405, Allow and the envelope, and forwards nothing', async () => {
    const before = { ...fakes.answered };
    const res = await call(API_ROUTES.createTicket.path, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.json()).toMatchObject({ data: null, error: true, detail: { code: 'REQUEST.METHOD_NOT_ALLOWED' } });
    expect(fakes.answered).toEqual(before);
  });

  it('passes a JSON body up to the limit byte for byte (signed webhooks depend on it)', async () => {
    const raw = Buffer.from(JSON.stringify({ pad: 'x'.repeat(JSON_BODY_LIMIT_BYTES - 20), ' odd  spacing ': true }).slice(0, JSON_BODY_LIMIT_BYTES));
    const res = await call(API_ROUTES.zendeskWebhook.path, { method: 'POST', body: raw, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as Envelope<Echo>;
    expect(data).toMatchObject({ service: 'zendesk-sync', bodyBytes: raw.length, bodySha256: sha256(raw) });
    expect(data.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  /**
   * From a client in its own process: in this one, the client's writes and the
   * gateway's answer share an event loop and a reset that loses the answer never
   * shows. (Before the fix: 6 of 20 lost to EPIPE through stack mode's gateway.)
   */
  const sendRepeatedly = async (path: string, times: number, bytes: number, contentType: string) => {
    const { stdout } = await run(
      process.execPath,
      [resolve(import.meta.dirname, 'testing/send-repeatedly.mjs'), `${base}${path}`, String(times), String(bytes), contentType],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as Record<string, number>;
  };

  it('answers a 5 MiB create with the 413 envelope, every time, without bothering intake-api', async () => {
    const before = fakes.answered['intake-api'];
    expect(await sendRepeatedly(API_ROUTES.createTicket.path, 20, 5 * MiB, 'application/json')).toEqual({ '413 REQUEST.TOO_LARGE': 20 });
    expect(fakes.answered['intake-api']).toBe(before);
    const res = await call(API_ROUTES.createTicket.path, {
      method: 'POST',
      body: Buffer.alloc(JSON_BODY_LIMIT_BYTES + 1, 'a'),
      headers: { 'content-type': 'application/json' },
    });
    expect(await res.json()).toEqual({ data: null, detail: { code: 'REQUEST.TOO_LARGE' }, error: true, message: 'The request body is too large' });
  });

  it('relays a service refusing an upload before reading it (413 envelope), every time', async () => {
    const answers = await sendRepeatedly('/api/common/upload/file?bucketType=LOG_IMAGE', 20, FAKE_UPLOAD_LIMIT + 12 * MiB, 'multipart/form-data; boundary=x');
    expect(answers).toEqual({ '413 UPLOAD.TOO_LARGE': 20 });
  });

  it('streams an upload with back-pressure: a service that does not read holds the sender back', async () => {
    const total = 128 * MiB;
    const chunk = Buffer.alloc(256 * 1024, 3);
    let produced = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= total) return controller.close();
        produced += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const answer = call(samplePath(API_ROUTES.uploadSupportFile.path), {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/octet-stream', 'x-test-read-delay-ms': '1000' },
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 800));
    // Socket buffers along client → gateway → service hold some MiB; a buffering proxy would have taken it all.
    // (7 MiB measured here.)
    expect(produced).toBeLessThan(32 * MiB);
    const res = await answer;
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as Envelope<Echo>;
    expect(data.bodyBytes).toBe(total);
    expect(data.headers['transfer-encoding']).toBe('chunked');
  });

  it('cuts the upload short at the service when the client goes away mid-upload', async () => {
    const before = fakes.uploadsEnded;
    const abort = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(Buffer.alloc(64 * 1024, 5));
        if (sent >= 2 * MiB) abort.abort();
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    const res = call(samplePath(API_ROUTES.uploadSupportFile.path), {
      method: 'POST',
      body,
      duplex: 'half',
      signal: abort.signal,
      headers: { 'content-type': 'application/octet-stream' },
    } as RequestInit);
    await expect(res).rejects.toThrow();
    // The service's read ends (in error) instead of waiting for bytes that never come.
    await expect.poll(() => fakes.uploadsEnded, { timeout: 5_000 }).toBe(before + 1);
  });

  it('streams an answer back with the service headers, minus hop-by-hop ones', async () => {
    const res = await call(`${samplePath(API_ROUTES.downloadImage.path)}?bytes=${3 * MiB}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect((await res.arrayBuffer()).byteLength).toBe(3 * MiB);
  });

  it('answers 504 in the envelope when a service does not answer in time', async () => {
    const res = await call(samplePath(API_ROUTES.downloadImage.path), { headers: { 'x-test-delay-ms': '3000' } });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      data: null,
      detail: { code: 'GATEWAY.UPSTREAM_TIMEOUT' },
      error: true,
      message: 'The file-service service did not answer in time',
    });
  });

  it('answers 502 in the envelope when a service is down', async () => {
    const res = await call(API_ROUTES.searchTickets.path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      data: null,
      detail: { code: 'GATEWAY.UPSTREAM_UNAVAILABLE' },
      error: true,
      message: 'The query-service service is unavailable',
    });
  });

  it('names every service the table routes to', () => {
    const owners = new Set<ServiceName>((Object.values(API_ROUTES) as ApiRoute[]).map((r) => r.owner));
    expect([...owners].sort()).toEqual(Object.keys(fakes.urls).sort());
  });
});
