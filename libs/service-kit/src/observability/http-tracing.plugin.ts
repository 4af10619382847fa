import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { asyncContextEnabled, forgetRequestContext, rememberRequestContext, requestMayStartTrace, traceIds, tracer } from './tracing';

const UNTRACED = new Set(['/metrics', '/health/live', '/health/ready', '/api/health']);
const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();

/**
 * A server span per sampled request, continuing the caller's W3C traceparent (the
 * mobile app's, or a new trace the sampler picked). Unsampled, nothing else happens:
 * no span is recorded, no context kept. Sampled, the request's context is found by
 * its id (appends carry it as correlationId: event-store-metrics), its log lines
 * carry trace_id, and where a context manager runs (a process with bus consumers)
 * the handler runs inside it from preHandler on, after the body was read (body
 * parsing runs in the socket's async context, not ours). Installed only while
 * tracing is on.
 */
export function httpTracingHooks(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const hasTraceparent = request.headers.traceparent !== undefined;
    // Most requests stop here: not sampled (one Math.random()), or a probe or a scrape (a trace list of
    // /metrics every 15 s helps nobody).
    if (!requestMayStartTrace(hasTraceparent) || UNTRACED.has(request.routeOptions.url ?? '')) return done();
    const parent = hasTraceparent ? propagation.extract(ROOT_CONTEXT, request.headers) : ROOT_CONTEXT;
    // The sampler decides first; names and attributes are built for recorded spans only.
    const span = tracer().startSpan('HTTP', { kind: SpanKind.SERVER }, parent);
    if (!span.isRecording()) return done();
    const route = request.routeOptions.url ?? 'unmatched';
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.request.method', request.method);
    span.setAttribute('http.route', route);
    const ctx = trace.setSpan(parent, span);
    spans.set(request, { span, ctx });
    rememberRequestContext(request.id, ctx);
    if (!asyncContextEnabled()) {
      // No context manager to feed the logger's mixin: the request's logger carries the ids, set on the
      // request's own (pino) child logger; a further child per sampled request costs a redaction setup each.
      const log = request.log as FastifyBaseLogger & Partial<Pick<Logger, 'setBindings'>>;
      if (log.setBindings) log.setBindings(traceIds(ctx));
      else request.log = request.log.child(traceIds(ctx));
      return done();
    }
    context.with(ctx, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = asyncContextEnabled() ? spans.get(request) : undefined;
    if (entry) context.with(entry.ctx, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  // A client that hangs up gets no onResponse: the span (and its entry by request id) ends here.
  app.addHook('onRequestAbort', (request, done) => {
    finish(request, undefined);
    done();
  });
}

function finish(request: FastifyRequest, statusCode: number | undefined): void {
  const entry = spans.get(request);
  if (!entry) return;
  spans.delete(request);
  forgetRequestContext(request.id, entry.ctx);
  if (statusCode === undefined) entry.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
  else {
    entry.span.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR });
  }
  entry.span.end();
}
