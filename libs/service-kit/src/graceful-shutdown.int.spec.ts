import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { shutDown } from './graceful-shutdown';

type Line = { level: number; msg: string; [k: string]: unknown };

/** A server as createServiceApp makes it (idle keep-alive connections closed at close), logging into `lines`. */
async function listeningApp() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream }, forceCloseConnections: 'idle', return503OnClosing: true });
  let entered!: () => void;
  const requestEntered = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  app.get('/held', async () => {
    entered();
    await released;
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, lines, port, requestEntered, release };
}

/** GET over a keep-alive agent, as browsers, undici and the app's HTTP clients do. */
function getKeptAlive(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('shutDown', () => {
  const agents: Agent[] = [];
  afterEach(() => agents.splice(0).forEach((a) => a.destroy()));

  it('lets a request in flight finish, then closes its keep-alive connection instead of waiting for the client', async () => {
    const { app, lines, port, requestEntered, release } = await listeningApp();
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    agents.push(agent);
    const inFlight = getKeptAlive(agent, port, '/held');
    await requestEntered;

    const startedAt = performance.now();
    const outcome = shutDown(app, [], 5_000);
    // The connection is busy when the server closes; it becomes idle only after this answer.
    await new Promise((r) => setTimeout(r, 200));
    release();
    expect(await inFlight).toEqual({ status: 200, body: '{"ok":true}' });

    // Without closing idle connections again, the close waits for keep-alive (72 s) and the 5 s timeout wins.
    expect(await outcome).toBe('clean');
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(lines.map((l) => l.msg)).toContain('shut down cleanly');
  });

  it('runs the closers in order after the server, and names the one that fails', async () => {
    const { app, lines } = await listeningApp();
    const ran: string[] = [];
    const outcome = await shutDown(
      app,
      [
        { name: 'workers', close: async () => void ran.push('workers') },
        {
          name: 'stores',
          close: async () => {
            ran.push('stores');
            throw new Error('disk gone');
          },
        },
        { name: 'never', close: async () => void ran.push('never') },
      ],
      5_000,
    );
    expect(outcome).toBe('failed');
    expect(ran).toEqual(['workers', 'stores']);
    expect(lines.find((l) => l.msg === 'error during shutdown')).toMatchObject({ step: 'stores', level: 50 });
  });

  it('gives up after its timeout and names the step it was waiting for, having said so while it waited', async () => {
    const { app, lines } = await listeningApp();
    const outcome = await shutDown(app, [{ name: 'relay', close: () => new Promise<void>(() => undefined) }], 2_300);
    expect(outcome).toBe('timed out');
    expect(lines.find((l) => l.msg === 'shutdown still waiting for relay')).toMatchObject({ waitingFor: 'relay', level: 40 });
    expect(lines.find((l) => l.msg === 'shutdown timed out waiting for relay')).toMatchObject({ waitingFor: 'relay', level: 50 });
    expect(lines.some((l) => l.msg === 'shut down cleanly')).toBe(false);
  });
});
