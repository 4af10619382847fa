import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installRequestLogging } from './request-logging';

type Line = { level: number; msg: string; reqId?: string; res?: { statusCode: number }; responseTime?: number; [k: string]: unknown };

async function appLogging(level: string, options: Parameters<typeof installRequestLogging>[1] = {}) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const app = Fastify({ logger: { level, stream }, disableRequestLogging: true });
  installRequestLogging(app, options);
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async (_req, reply) => reply.code(503).send({ down: true }));
  app.get('/slow', async () => {
    await new Promise((r) => setTimeout(r, 60));
    return { ok: true };
  });
  await app.ready();
  return { app, lines };
}

describe('request logging', () => {
  it('at info, logs 5xx and slow requests but not every request', async () => {
    const { app, lines } = await appLogging('info', { slowMs: 50 });
    await app.inject({ url: '/ok', headers: { 'x-request-id': 'fine' } });
    await app.inject({ url: '/boom' });
    await app.inject({ url: '/slow' });
    const completed = () => lines.filter((l) => l.msg === 'request completed');
    // onResponse runs once the answer is out, i.e. after inject resolves.
    await expect.poll(() => completed().map((l) => l.res?.statusCode)).toEqual([503, 200]);
    expect(completed()[1]!.responseTime).toBeGreaterThanOrEqual(50);
    expect(lines.some((l) => l.msg === 'incoming request')).toBe(false);
    await app.close();
  });

  it('at debug, logs every request as before', async () => {
    const { app, lines } = await appLogging('debug');
    await app.inject({ url: '/ok' });
    expect(lines.filter((l) => l.msg === 'incoming request')).toHaveLength(1);
    await expect.poll(() => lines.filter((l) => l.msg === 'request completed')).toMatchObject([{ level: 20, res: { statusCode: 200 } }]);
    await app.close();
  });

  it('sums up the requests of each interval at info, and nothing for an idle one', async () => {
    const { app, lines } = await appLogging('info', { summaryIntervalMs: 100 });
    await app.inject({ url: '/ok' });
    await app.inject({ url: '/ok' });
    await app.inject({ url: '/boom' });
    await expect.poll(() => lines.find((l) => l.msg === 'requests')).toMatchObject({ level: 30, requests: 3, '2xx': 2, '5xx': 1, '4xx': 0 });
    await new Promise((r) => setTimeout(r, 250));
    expect(lines.filter((l) => l.msg === 'requests')).toHaveLength(1);
    await app.close();
  });
});
