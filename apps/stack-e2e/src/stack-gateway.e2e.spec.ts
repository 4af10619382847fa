import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, COMMON_ROUTES, type ApiRoute } from '@support-desk/contracts';
import { skipReason, startStackRun, type StackRun } from './stack-harness';

if (skipReason) console.warn(skipReason);

const MiB = 1024 * 1024;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const samplePath = (path: string) => path.replace(/:(\w+)/g, 'p-$1').replace(/\*$/, 'json');

type Answer = { status: number; code?: string; error?: string };

/** fetch, reduced to what the envelope says, or the network error that replaced the answer. */
async function answer(url: string, init?: RequestInit): Promise<Answer> {
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { detail?: { code?: string } }).detail?.code;
    } catch {
      // not JSON (a file, Swagger UI)
    }
    return { status: res.status, code };
  } catch (error) {
    return { status: 0, error: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
  }
}

/** The gateway in front of the real services, each its own process. */
describe.skipIf(Boolean(skipReason))('stack mode: the gateway', () => {
  let run: StackRun;
  let api: string;
  beforeAll(async () => {
    run = await startStackRun({ MAX_LOG_IMAGE_BYTES: '1MiB' });
    api = run.stack.baseUrl;
  });
  afterAll(async () => {
    await run?.close();
  });

  it.each(Object.entries(API_ROUTES) as [string, ApiRoute][])('%s reaches a service that serves it', async (_name, route) => {
    const res = await answer(`${api}${samplePath(route.path)}`, {
      method: route.method,
      ...(route.method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
    });
    // A 4xx of the owner (bad id, no token, not multipart) is fine; no route there is not.
    expect(res.status).toBeGreaterThan(0);
    expect(res.code).not.toBe('ROUTE.NOT_FOUND');
    expect(res.code ?? '').not.toMatch(/^GATEWAY\./);
  });

  it.each(Object.values(COMMON_ROUTES))('$path is served through the gateway', async (route) => {
    const res = await answer(`${api}${samplePath(route.path)}`);
    expect(res.status).toBe(200);
  });

  it('answers a 5 MiB create with the 413 envelope, every time', async () => {
    const body = JSON.stringify({ uuid: 'u', udid: 'd', subject: 's', email: 'big@example.com', message: 'x'.repeat(5 * MiB) });
    const answers: Answer[] = [];
    for (let i = 0; i < 20; i++)
      answers.push(await answer(`${api}${API_ROUTES.createTicket.path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ({ status: 413, code: 'REQUEST.TOO_LARGE' })));
  });

  it('relays file-service refusing an oversize upload (413 envelope), declared or streamed', async () => {
    const url = `${api}${API_ROUTES.uploadImage.path}?bucketType=LOG_IMAGE`;
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob([PNG, Buffer.alloc(6 * MiB, 1)], { type: 'image/png' }), 'big.png');
      return f;
    };
    const declared: Answer[] = [];
    const streamed: Answer[] = [];
    for (let i = 0; i < 5; i++) {
      declared.push(await answer(url, { method: 'POST', body: form() }));
      const request = new Request(url, { method: 'POST', body: form() });
      streamed.push(
        await answer(url, {
          method: 'POST',
          body: request.body,
          duplex: 'half',
          headers: { 'content-type': request.headers.get('content-type')! },
        } as RequestInit),
      );
    }
    expect(declared).toEqual(Array.from({ length: 5 }, () => ({ status: 413, code: 'UPLOAD.TOO_LARGE' })));
    expect(streamed).toEqual(Array.from({ length: 5 }, () => ({ status: 413, code: 'UPLOAD.TOO_LARGE' })));
  });

  it('answers 502 in the envelope while a service is down', async () => {
    await run.stack.kill('query-service');
    const res = await answer(`${api}${API_ROUTES.searchTickets.path}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${run.adminToken}` },
    });
    expect(res).toEqual({ status: 502, code: 'GATEWAY.UPSTREAM_UNAVAILABLE' });
  });
});
