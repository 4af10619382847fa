import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** A request slower than this is logged at info whatever its status. */
export const SLOW_REQUEST_MS = 1_000;
/** How often the request summary line is written (only when there were requests). */
export const REQUEST_SUMMARY_INTERVAL_MS = 60_000;

export type RequestLoggingOptions = { slowMs?: number; summaryIntervalMs?: number };

type Summary = { requests: number; '2xx': number; '3xx': number; '4xx': number; '5xx': number; slowest_ms: number };

const emptySummary = (): Summary => ({ requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, slowest_ms: 0 });

/**
 * What an operator reads in a service's log, at a price the service can pay.
 * Fastify's own two lines per request ("incoming request", "request completed")
 * were ~13 % of intake-api's CPU under load, and they repeat what the HTTP
 * metrics (and, in stack mode, the gateway's access log at the edge) already say.
 * So, per request, only what needs a look gets a line at info: a 5xx (beside the
 * error handler's line with the stack) and a slow request, with status, time and
 * request id. Every other request is logged at debug (LOG_LEVEL=debug gives the
 * full access log back). A 4xx already has the error handler's info line with its
 * code. Once a minute an info line sums up the requests of that minute by status
 * class, with the slowest, so the log still shows that traffic flows and how.
 */
export function installRequestLogging(app: FastifyInstance, options: RequestLoggingOptions = {}): void {
  const slowMs = options.slowMs ?? SLOW_REQUEST_MS;
  let summary = emptySummary();

  // The level is set once at start: with debug off the hook is not even installed.
  const debug = (app.log as unknown as Logger).isLevelEnabled('debug');
  if (debug) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug({ req: request }, 'incoming request');
      done();
    });
  }

  // Callback style: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime;
    const status = reply.statusCode;
    summary.requests += 1;
    summary[status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx'] += 1;
    if (ms > summary.slowest_ms) summary.slowest_ms = ms;
    if (status >= 500 || ms >= slowMs) request.log.info({ res: reply, responseTime: ms }, 'request completed');
    else if (debug) request.log.debug({ res: reply, responseTime: ms }, 'request completed');
    done();
  });

  const timer = setInterval(() => {
    if (summary.requests === 0) return;
    const { slowest_ms, ...counts } = summary;
    summary = emptySummary();
    app.log.info({ ...counts, slowest_ms: Math.round(slowest_ms), interval_s: (options.summaryIntervalMs ?? REQUEST_SUMMARY_INTERVAL_MS) / 1000 }, 'requests');
  }, options.summaryIntervalMs ?? REQUEST_SUMMARY_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
