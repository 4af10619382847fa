import type { FastifyInstance } from 'fastify';

/** One step of a shutdown, named so that a slow or stuck one is reported by name. */
export type Closer = { name: string; close: () => Promise<void> };

/**
 * `main.ts` listens; this closes cleanly on SIGTERM/SIGINT (see `shutDown`) and
 * exits: 0 when every step finished, 1 on an error or after `timeoutMs`.
 */
export function closeOnSignals(app: FastifyInstance, closers: Closer[], timeoutMs = 15_000): void {
  let closing = false;
  const onSignal = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const outcome = await shutDown(app, closers, timeoutMs);
    process.exit(outcome === 'clean' ? 0 : 1);
  };
  // `on`, not `once`: a second signal (npm and tsx relay the first) must not kill a clean shutdown.
  process.on('SIGTERM', () => void onSignal('SIGTERM'));
  process.on('SIGINT', () => void onSignal('SIGINT'));
}

/**
 * Stop accepting, let in-flight requests finish (fastify close), then run the
 * service's own closers (relay checkpoint, consumers, stores) in order. Each
 * step's time is logged, a step still running is named every two seconds, and a
 * shutdown that runs out of time names the step it was waiting for: without
 * that, "shutting down" followed by nothing tells an operator nothing.
 */
export async function shutDown(app: FastifyInstance, closers: Closer[], timeoutMs: number): Promise<'clean' | 'failed' | 'timed out'> {
  let current = 'http server';
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const waiting = setInterval(() => app.log.warn({ waitingFor: current, ms: elapsed() }, `shutdown still waiting for ${current}`), 2_000);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => {
      app.log.error({ waitingFor: current, ms: elapsed() }, `shutdown timed out waiting for ${current}`);
      resolve('timed out');
    }, timeoutMs);
  });
  const steps = async (): Promise<'clean' | 'failed'> => {
    try {
      for (const step of [{ name: 'http server', close: () => closeHttpServer(app) }, ...closers]) {
        current = step.name;
        const stepStartedAt = performance.now();
        await step.close();
        const ms = Math.round(performance.now() - stepStartedAt);
        // A step that takes a second is worth seeing at info: it is where a slow shutdown goes.
        app.log[ms >= 1_000 ? 'info' : 'debug']({ step: step.name, ms }, 'shutdown step done');
      }
      app.log.info({ ms: elapsed() }, 'shut down cleanly');
      return 'clean';
    } catch (error) {
      app.log.error({ err: error, step: current }, 'error during shutdown');
      return 'failed';
    }
  };
  try {
    return await Promise.race([steps(), timedOut]);
  } finally {
    clearInterval(waiting);
    clearTimeout(timer);
  }
}

/**
 * fastify's close, with keep-alive connections closed as soon as they are idle.
 * Node closes the connections that are idle when the server closes, once
 * (fastify's `forceCloseConnections: 'idle'`). A connection busy at that moment,
 * with a request in flight or a response whose last bytes the client already has
 * but whose end Node has not yet processed, becomes idle a moment later and would
 * then stay open until the client closes it or keep-alive times out (72 s in
 * fastify): the close, and the shutdown, waited for it. So idle connections are
 * closed again every 100 ms until the server has closed.
 */
async function closeHttpServer(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}
