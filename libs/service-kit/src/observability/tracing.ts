import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  propagation,
  trace,
  type Context,
  type ContextManager,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
// Types only: the SDK itself is imported when tracing starts.
import type { Sampler } from '@opentelemetry/sdk-trace-node';

/**
 * Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then (and only then)
 * the OpenTelemetry SDK and its OTLP/HTTP exporter are imported and registered.
 * Off, @opentelemetry/api is a no-op and none of our hooks are installed.
 *
 * What it costs on (issue 12's budget), and why it is built this way:
 * - Only sampled traces are continued in-process. An unsampled request gets no
 *   span object, no context and no traceparent in its events; so neither do the
 *   relay hop or the consumers after it (they trace only events that carry one).
 * - No async-hooks context manager on the HTTP path: on Node 20 AsyncLocalStorage
 *   hooks every promise of the process once it is used. A request's context is
 *   found by its request id instead (the correlationId its events carry), see
 *   `requestContext`. Processes that consume the bus install the AsyncLocalStorage
 *   manager (`useAsyncContext`): a handler's Zendesk calls and appends need it.
 */
let enabled = false;
let asyncContext = false;
/** The SDK's tracer once started (the API's global look-up costs a few µs a call). */
let sdkTracer: Tracer | undefined;
/**
 * Share of requests without a traceparent that start a trace (all requests: `everyRequest`), decided
 * by the HTTP hook before any span or id is made; the SDK then samples those roots always.
 */
let rootShare = { ratio: 1, everyRequest: false };
export const tracingEnabled = (): boolean => enabled;
export const tracer = (): Tracer => sdkTracer ?? trace.getTracer('support-desk');

/** Whether a request (with or without a traceparent) may start a trace: the ratio samplers' coin, thrown once. */
export function requestMayStartTrace(hasTraceparent: boolean): boolean {
  if (hasTraceparent && !rootShare.everyRequest) return true;
  return rootShare.ratio >= 1 || (rootShare.ratio > 0 && Math.random() < rootShare.ratio);
}

export type Tracing = { shutdown(): Promise<void> };

/** OTEL_TRACES_SAMPLER values (the OpenTelemetry spec's names). */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

export type TracingOptions = {
  /** Default parentbased_traceidratio: a caller's sampled flag wins, new traces at `ratio`. */
  sampler?: TracesSampler;
  /** OTEL_TRACES_SAMPLER_ARG: share of new traces recorded by the *traceidratio samplers. */
  ratio?: number;
};

export async function startTracing(service: string, endpoint: string, options: TracingOptions = {}): Promise<Tracing> {
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  const ratio = options.ratio ?? 0.1;
  const sampler = options.sampler ?? 'parentbased_traceidratio';
  // The ratio samplers' coin is thrown by the HTTP hook (requestMayStartTrace), before any span or
  // trace id exists: the ~90 % of requests not sampled cost one Math.random(). What passes is then
  // sampled always (traceidratio: every request's coin; parentbased: a caller's flag still decides).
  rootShare = { ratio: sampler.endsWith('traceidratio') ? ratio : 1, everyRequest: sampler === 'traceidratio' };
  const samplers: Record<TracesSampler, () => Sampler> = {
    always_on: () => new sdk.AlwaysOnSampler(),
    always_off: () => new sdk.AlwaysOffSampler(),
    traceidratio: () => new sdk.AlwaysOnSampler(),
    parentbased_always_on: () => new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    parentbased_always_off: () => new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() }),
    parentbased_traceidratio: () => new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
  };
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    sampler: samplers[sampler](),
    // Spans leave in batches of up to 512 every second: an export never waits on a request, and
    // a burst of up to 4,096 spans waits in the queue instead of being dropped.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000, maxExportBatchSize: 512, maxQueueSize: 4_096 })],
  });
  // W3C traceparent only (no baggage header parsed per request); no global context manager: see above.
  provider.register({ contextManager: null, propagator: new W3CTraceContextPropagator() });
  sdkTracer = provider.getTracer('support-desk');
  enabled = true;
  return {
    async shutdown() {
      enabled = false;
      sdkTracer = undefined;
      rootShare = { ratio: 1, everyRequest: false };
      await provider.shutdown();
      // A later startTracing in the same process (tests) registers afresh.
      trace.disable();
      propagation.disable();
      if (asyncContext) context.disable();
      asyncContext = false;
    },
  };
}

/** The context manager on AsyncLocalStorage: `context.active()` follows awaits and callbacks. */
class AsyncLocalStorageContext implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (thisArg: unknown, args: unknown[]) => this.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(thisArg, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

/**
 * Installs the AsyncLocalStorage context manager (once; only while tracing is on), for a
 * process whose background work needs `context.active()` across awaits: bus consumers.
 */
export function useAsyncContext(): void {
  if (!enabled || asyncContext) return;
  asyncContext = context.setGlobalContextManager(new AsyncLocalStorageContext());
}
export const asyncContextEnabled = (): boolean => asyncContext;

/** True when `ctx` holds a span of a sampled trace: only those are continued. */
export function isSampled(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

/** The W3C traceparent of `ctx` (the active context by default), to keep in event metadata or message headers. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** The context a traceparent (from an event, a header) continues; undefined unless it names a sampled trace. */
export function contextFrom(traceparent: unknown): Context | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const ctx = propagation.extract(ROOT_CONTEXT, { traceparent });
  return isSampled(ctx) ? ctx : undefined;
}

/** Sampled requests in flight, by request id (events carry it as metadata.correlationId). */
const requestContexts = new Map<string, Context>();

/** Registers a sampled request's context until `forgetRequestContext`. */
export function rememberRequestContext(requestId: string, ctx: Context): void {
  requestContexts.set(requestId, ctx);
}

export function forgetRequestContext(requestId: string, ctx: Context): void {
  // A client-chosen X-Request-Id may repeat: only the request that registered it removes it.
  if (requestContexts.get(requestId) === ctx) requestContexts.delete(requestId);
}

/**
 * The sampled context work runs in: the active one (a consumer's handler, with
 * `useAsyncContext`), else that of the HTTP request whose id is `correlationId`.
 */
export function tracedContext(correlationId?: unknown): Context | undefined {
  const active = context.active();
  if (isSampled(active)) return active;
  return typeof correlationId === 'string' ? requestContexts.get(correlationId) : undefined;
}

/**
 * Runs `work` in a child span of `parent` (the active context by default) that ends
 * with it (an error marks it failed); `work` gets the span's context, to propagate.
 * No sampled parent: `work` runs alone, at no cost (spans are never roots here; only
 * an HTTP request starts a trace).
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  work: (ctx?: Context) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  if (!isSampled(parent)) return work();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => work(ctx));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function failSpan(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The trace_id / span_id fields of a context's span, for a log line. */
export function traceIds(ctx: Context): Record<string, string> {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/** pino mixin (with `useAsyncContext`): log lines written inside a sampled span carry its trace_id. */
export function traceLogFields(): Record<string, string> {
  return asyncContext ? traceIds(context.active()) : {};
}

export { SpanKind };
