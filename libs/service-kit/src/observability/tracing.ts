import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';

/**
 * Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then (and only then)
 * the OpenTelemetry SDK and its OTLP/HTTP exporter are imported and registered.
 * Off, @opentelemetry/api is a no-op and none of our hooks are installed.
 */
let enabled = false;
export const tracingEnabled = (): boolean => enabled;
export const tracer = (): Tracer => trace.getTracer('support-desk');

export type Tracing = { shutdown(): Promise<void> };

export async function startTracing(service: string, endpoint: string, ratio = 1): Promise<Tracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources')]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    // New traces at `ratio` (recording every request costs more than the 10 % budget at full load);
    // the caller's sampled flag wins, and every hop after the request follows it.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    // Batches of spans every second: one span export never waits on a request.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  // AsyncLocalStorage context and the W3C trace-context propagator (traceparent).
  provider.register();
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      await provider.shutdown();
    },
  };
}

/** The W3C traceparent of `ctx` (the active context by default), to keep in event metadata or message headers. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a traceparent (from an event, a header) continues; the root context when there is none. */
export function contextFrom(traceparent: unknown): Context {
  if (typeof traceparent !== 'string') return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Runs `work` in a span that ends with it (an error marks it failed). */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** pino mixin: log lines written inside a span carry its trace_id. */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  return span ? { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId } : {};
}

export { SpanKind };
