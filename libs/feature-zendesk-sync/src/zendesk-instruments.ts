/**
 * What zendesk-sync reports about its Zendesk calls; composition-root backs it
 * with Prometheus metrics, so this lib does not import prom-client.
 */
export type ZendeskInstruments = {
  /** One finished call. `endpoint` is a path template (see endpointOf); `status` the HTTP status, or `timeout` / `network`. */
  call(method: string, endpoint: string, status: string, seconds: number): void;
  /** Zendesk answered 429 and every call now waits `waitMs` (its Retry-After). */
  rateLimited(waitMs: number): void;
  /** Tracing: runs one call in a client span; `headers` (traceparent) go out with the request. */
  traced?<T>(method: string, endpoint: string, call: (headers: Record<string, string>) => Promise<T>): Promise<T>;
};

/** `/api/v2/tickets/123?x=1` → `/api/v2/tickets/:id`: ids and queries never become a label. */
export function endpointOf(path: string): string {
  const bare = path.split('?')[0]!;
  return bare.replace(/\/\d+(?=\/|\.json$|$)/g, '/:id');
}
