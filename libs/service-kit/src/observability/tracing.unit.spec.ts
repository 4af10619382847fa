import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFrom, currentTraceparent, forgetRequestContext, inSpan, isSampled, rememberRequestContext, tracedContext } from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const sampled = `00-${TRACE}-00f067aa0ba902b7-01`;
const unsampled = `00-${TRACE}-00f067aa0ba902b7-00`;

/** What startTracing registers (the propagator), without an SDK: spans here are the API's non-recording ones. */
describe('tracing helpers: only sampled traces are continued', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('contextFrom continues a sampled traceparent and nothing else', () => {
    const ctx = contextFrom(sampled);
    expect(ctx && isSampled(ctx)).toBe(true);
    expect(trace.getSpanContext(ctx!)?.traceId).toBe(TRACE);
    expect(currentTraceparent(ctx)).toBe(sampled);
    expect(contextFrom(unsampled)).toBeUndefined();
    expect(contextFrom(undefined)).toBeUndefined();
    expect(contextFrom('not a traceparent')).toBeUndefined();
  });

  it("a request's context is found by its id (the correlationId of its events) until that request forgets it", () => {
    const ctx = contextFrom(sampled)!;
    expect(tracedContext('req-1')).toBeUndefined();
    rememberRequestContext('req-1', ctx);
    expect(tracedContext('req-1')).toBe(ctx);
    expect(tracedContext(undefined)).toBeUndefined();
    // Another request with the same (client-chosen) id does not remove it ...
    forgetRequestContext('req-1', ROOT_CONTEXT);
    expect(tracedContext('req-1')).toBe(ctx);
    // ... the one that registered it does.
    forgetRequestContext('req-1', ctx);
    expect(tracedContext('req-1')).toBeUndefined();
  });

  it('inSpan without a sampled parent runs the work alone (no span, no context to propagate)', async () => {
    const seen: unknown[] = [];
    await inSpan('x', {}, async (ctx) => void seen.push(ctx));
    await inSpan('x', { parent: ROOT_CONTEXT }, async (ctx) => void seen.push(ctx));
    expect(seen).toEqual([undefined, undefined]);
    const parent = contextFrom(sampled)!;
    await inSpan('x', { parent }, async (ctx) => void seen.push(ctx && trace.getSpanContext(ctx)?.traceId));
    expect(seen[2]).toBe(TRACE);
  });
});
