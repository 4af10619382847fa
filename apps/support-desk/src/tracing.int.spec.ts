import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { seedCreateBody, startTestDesk, type TestDesk } from './testing/test-desk';

type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string };

/** An OTLP/HTTP (JSON) receiver: what Jaeger's collector port does, in-process. */
async function startOtlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * One trace from the mobile request to the projection: the caller's traceparent is
 * continued by the create, kept in the event, carried by the relays, continued by
 * both consumers and around the Zendesk call, and by the TicketSynced append.
 */
describe('support-desk tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let zendesk: FakeZendesk;
  let desk: TestDesk;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    zendesk = await FakeZendesk.start();
    desk = await startTestDesk({ ZENDESK_URL: zendesk.url, ZENDESK_OAUTH_TOKEN: 'oauth-test-token', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    // Tracing on imports the OpenTelemetry SDK at start: on a busy machine that alone outlasts the 10 s default.
  }, 60_000);
  afterAll(async () => {
    await desk?.close();
    await zendesk?.close();
    await otlp?.close();
  });

  it('continues the request traceparent through append, relay, zendesk-sync, the Zendesk POST and the projection', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await desk.app.inject({
      method: 'POST',
      url: '/api/user/log/message',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      payload: { ...seedCreateBody, subject: 'traced' },
    });
    expect(res.statusCode).toBe(200);
    const names = () => otlp.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    await vi.waitFor(
      () => {
        const seen = names();
        expect(seen).toContain('POST /api/user/log/message');
        expect(seen).toContain('eventstore append TicketRequested');
        expect(seen).toContain('relay-zendesk-sync publish TicketRequested');
        expect(seen).toContain('zendesk-sync process TicketRequested');
        expect(seen).toContain('zendesk POST /api/v2/tickets');
        expect(seen).toContain('eventstore append TicketSynced');
        expect(seen).toContain('query-service process TicketSynced');
      },
      { timeout: 15_000, interval: 200 },
    );
    const spans = otlp.spans.filter((s) => s.traceId === traceId);
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    // Parent links, not only a shared trace id: the Zendesk POST is inside the consumer's span.
    const consumer = byName('zendesk-sync process TicketRequested');
    expect(consumer.parentSpanId).toBe(byName('relay-zendesk-sync publish TicketRequested').spanId);
    expect(byName('zendesk POST /api/v2/tickets').parentSpanId).toBe(consumer.spanId);
    expect(byName('POST /api/user/log/message').parentSpanId).toBe('00f067aa0ba902b7');
    // Zendesk got the trace too.
    expect(zendesk.requests.some((r) => r.headers.traceparent?.includes(traceId))).toBe(true);
  });
  it('an unsampled traceparent is respected: no span, and no traceparent on the events, the relay hop or the Zendesk call', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const subject = 'not sampled';
    const res = await desk.app.inject({
      method: 'POST',
      url: '/api/user/log/message',
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-00` },
      payload: { ...seedCreateBody, subject },
    });
    expect(res.statusCode).toBe(200);
    // The ticket reached Zendesk (the whole chain ran) ...
    const post = () => zendesk.requests.find((r) => r.method === 'POST' && r.body.toString('utf8').includes(subject));
    await vi.waitFor(() => expect(post()).toBeDefined(), { timeout: 15_000, interval: 100 });
    // ... without a trace: nothing was recorded for it, and Zendesk got no traceparent.
    expect(post()!.headers.traceparent).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_500)); // one export interval (1 s) for a span that should not exist
    expect(otlp.spans.filter((s) => s.traceId === traceId)).toEqual([]);
  });
});
