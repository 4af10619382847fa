import { describe, expect, it } from 'vitest';
import { requestMayStartTrace, startTracing, type TracingOptions } from './tracing';

/** The ratio samplers' coin is thrown per request before any span exists (tracing.ts); the rest is the SDK's. */
describe('OTEL_TRACES_SAMPLER: which requests may start a trace', () => {
  const withTracing = async (options: TracingOptions, check: () => void) => {
    // Nothing is recorded here, so nothing is ever sent to this (closed) port.
    const tracing = await startTracing('sampler-spec', 'http://127.0.0.1:9', options);
    try {
      check();
    } finally {
      await tracing.shutdown();
    }
  };
  const share = (hasTraceparent: boolean) => Array.from({ length: 2_000 }, () => requestMayStartTrace(hasTraceparent)).filter(Boolean).length / 2_000;

  it('parentbased_traceidratio (the default): a caller with a traceparent always goes on to the SDK, new traces at the ratio', async () => {
    await withTracing({ ratio: 0 }, () => {
      expect(share(false)).toBe(0);
      expect(share(true)).toBe(1);
    });
    await withTracing({ ratio: 0.25 }, () => expect(share(false)).toBeGreaterThan(0.18));
    await withTracing({ ratio: 0.25 }, () => expect(share(false)).toBeLessThan(0.32));
    await withTracing({ ratio: 1 }, () => expect(share(false)).toBe(1));
  });

  it('traceidratio throws the coin for every request, a traceparent or not; the other samplers leave it all to the SDK', async () => {
    await withTracing({ sampler: 'traceidratio', ratio: 0 }, () => expect(share(true)).toBe(0));
    await withTracing({ sampler: 'always_off', ratio: 0 }, () => expect(share(false)).toBe(1));
    await withTracing({ sampler: 'parentbased_always_on', ratio: 0 }, () => expect(share(false)).toBe(1));
  });
});
