import type { FastifyInstance } from 'fastify';

/**
 * `main.ts` listens; this closes cleanly on SIGTERM/SIGINT: stop accepting,
 * let in-flight requests finish (fastify close), then run the service's own
 * closers (relay checkpoint, consumers, stores) in order.
 */
export function closeOnSignals(app: FastifyInstance, closers: Array<() => Promise<void>>, timeoutMs = 15_000): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    try {
      await app.close();
      for (const close of closers) await close();
      app.log.info('shut down cleanly');
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  // `on`, not `once`: a second signal (npm and tsx relay the first) must not kill a clean shutdown.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
