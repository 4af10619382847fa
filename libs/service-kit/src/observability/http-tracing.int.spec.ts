import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from '../create-service-app';
import { startTracing, type Tracing } from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A sampled request's log lines carry its trace_id (issue 12: "log lines carry trace_id"); others carry none. */
describe('HTTP tracing hooks: the request logger of a sampled request', () => {
  let tracing: Tracing;
  let app: ServiceApp;
  let sink: Server;
  const exported: string[] = [];
  beforeAll(async () => {
    // An OTLP/HTTP endpoint that keeps what it is sent.
    sink = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        exported.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const { port } = sink.address() as { port: number };
    // Ratio 0: only a caller's sampled traceparent starts a trace.
    tracing = await startTracing('http-tracing-spec', `http://127.0.0.1:${port}`, { ratio: 0 });
    app = await createServiceApp({ name: 'http-tracing-spec', logLevel: 'silent' });
    // What every log line of this request is written with.
    app.get('/api/bindings', { schema: { hide: true } }, async (request) => (request.log as unknown as Logger).bindings());
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
    await new Promise((r) => sink.close(r));
  });

  it('carries the trace_id of the trace it continues, and a span id of its own', async () => {
    const res = await app.inject({ url: '/api/bindings', headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` } });
    const bindings = res.json<Record<string, string>>();
    expect(bindings.trace_id).toBe(TRACE);
    expect(bindings.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(bindings.span_id).not.toBe('00f067aa0ba902b7');
    // The server span the log lines point at is the one exported.
    await expect.poll(() => exported.join('\n'), { timeout: 5_000 }).toContain(bindings.span_id);
    expect(exported.join('\n')).toContain(TRACE);
  });

  it('an unsampled request (no traceparent at ratio 0, or a caller that did not sample) has no trace fields', async () => {
    for (const headers of [{}, { traceparent: `00-${TRACE}-00f067aa0ba902b7-00` }]) {
      const bindings = (await app.inject({ url: '/api/bindings', headers })).json<Record<string, string>>();
      expect(bindings).not.toHaveProperty('trace_id');
      expect(bindings.reqId).toBeDefined();
    }
  });
});
