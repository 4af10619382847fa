import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { TicketReadModel } from '@support-desk/read-model';
import { SpanKind, currentTraceparent, inSpan, tracingEnabled } from '@support-desk/service-kit';

/** What feature-zendesk-sync's ZendeskHttp reports (its ZendeskInstruments; a feature lib is not ours to import). */
export type ZendeskInstruments = {
  call(method: string, endpoint: string, status: string, seconds: number): void;
  rateLimited(waitMs: number): void;
  traced?<T>(method: string, endpoint: string, call: (headers: Record<string, string>) => Promise<T>): Promise<T>;
};

/** The sync backlog is counted in the read model at most this often, whatever the scrape interval. */
const BACKLOG_REFRESH_MS = 10_000;

/**
 * Zendesk calls by method, endpoint template and status, 429s and the
 * Retry-After time they imposed, the rate limiter's queue, and the sync backlog:
 * tickets waiting for Zendesk (PENDING) and tickets that gave up (FAILED).
 */
export function zendeskMetrics(registry: Registry): {
  instruments: ZendeskInstruments;
  watchLimiter(queueLength: () => number): void;
  watchBacklog(readModel: TicketReadModel): void;
} {
  const calls = new Counter({
    name: 'zendesk_requests_total',
    help: 'Zendesk API calls by method, endpoint template and status',
    labelNames: ['method', 'endpoint', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'zendesk_request_duration_seconds',
    help: 'Zendesk API call duration by method and endpoint template',
    labelNames: ['method', 'endpoint'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const rateLimited = new Counter({ name: 'zendesk_rate_limited_total', help: 'Zendesk 429 answers', registers: [registry] });
  const retryAfter = new Counter({
    name: 'zendesk_retry_after_wait_seconds_total',
    help: 'Time all calls were paused by Retry-After of 429 answers',
    registers: [registry],
  });
  const children = new Map<string, { calls: { inc(): void }; duration: { observe(v: number): void } }>();
  let queueLength: (() => number) | undefined;
  new Gauge({
    name: 'zendesk_limiter_queue_length',
    help: 'Zendesk calls waiting for the rate limiter',
    registers: [registry],
    collect() {
      this.set(queueLength?.() ?? 0);
    },
  });
  let readModel: TicketReadModel | undefined;
  let counted: Record<'PENDING' | 'FAILED', number> | undefined;
  let countedAt = 0;
  new Gauge({
    name: 'zendesk_sync_tickets',
    help: 'Tickets by Zendesk sync status: PENDING waits for Zendesk, FAILED gave up (admin retry needed)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!readModel) return;
      if (Date.now() - countedAt >= BACKLOG_REFRESH_MS) {
        try {
          const [pending, failed] = await Promise.all([count(readModel, 'PENDING'), count(readModel, 'FAILED')]);
          counted = { PENDING: pending, FAILED: failed };
          countedAt = Date.now();
        } catch {
          // Read model unreachable: keep the last counts (readiness reports the outage).
        }
      }
      if (counted) for (const [status, n] of Object.entries(counted)) this.labels(status).set(n);
    },
  });
  return {
    instruments: {
      call(method, endpoint, status, seconds) {
        const key = `${method} ${endpoint} ${status}`;
        let child = children.get(key);
        if (!child) {
          child = { calls: calls.labels(method, endpoint, status), duration: duration.labels(method, endpoint) };
          children.set(key, child);
        }
        child.calls.inc();
        child.duration.observe(seconds);
      },
      rateLimited(waitMs) {
        rateLimited.inc();
        retryAfter.inc(waitMs / 1000);
      },
      // Tracing on: each Zendesk call is a client span, and Zendesk gets its traceparent.
      ...(tracingEnabled()
        ? {
            traced: <T>(method: string, endpoint: string, call: (headers: Record<string, string>) => Promise<T>) =>
              inSpan(
                `zendesk ${method} ${endpoint}`,
                { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.template': endpoint } },
                () => {
                  const traceparent = currentTraceparent();
                  return call(traceparent ? { traceparent } : {});
                },
              ),
          }
        : {}),
    },
    watchLimiter: (fn) => (queueLength = fn),
    watchBacklog: (model) => (readModel = model),
  };
}

async function count(readModel: TicketReadModel, syncStatus: 'PENDING' | 'FAILED'): Promise<number> {
  const first = await readModel.search({ syncStatus }, { offset: 0, limit: 1 });
  if (first.total !== undefined || !first.hasMore) return first.total ?? first.items.length;
  // An adapter that does not count: a bounded page (the alert only needs "more than 0").
  return (await readModel.search({ syncStatus }, { offset: 0, limit: 1000 })).items.length;
}
