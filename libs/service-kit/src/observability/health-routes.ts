import type { FastifyInstance } from 'fastify';
import { ok } from '@support-desk/contracts';

export type HealthChecks = Record<string, () => Promise<void>>;

/** A check that hangs is a failed check: readiness must answer before the probe gives up. */
const CHECK_TIMEOUT_MS = 2_000;

/** Runs every check side by side; `healthy` only when all passed. */
export async function runHealthChecks(checks: HealthChecks): Promise<{ healthy: boolean; results: Record<string, string> }> {
  const entries = Object.entries(checks);
  const outcomes = await Promise.all(entries.map(([, check]) => withTimeout(check())));
  const results: Record<string, string> = {};
  let healthy = true;
  entries.forEach(([name], i) => {
    const outcome = outcomes[i]!;
    if (outcome !== 'ok') healthy = false;
    results[name] = outcome;
  });
  return { healthy, results };
}

async function withTimeout(check: Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([
      check.then(
        () => 'ok',
        (error: unknown) => (error instanceof Error ? error.message : 'failed'),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes for an orchestrator, outside /api: /health/live says the process
 * answers (no back-end is asked: a database outage must not restart every
 * pod), /health/ready says the adapters this service opened are reachable (the
 * ones it does not use are none of its business).
 */
export function healthRoutes(app: FastifyInstance, service: string, checks: HealthChecks): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ok({ service, status: 'live' }, 'ok'));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const { healthy, results } = await runHealthChecks(checks);
    return reply.code(healthy ? 200 : 503).send({ ...ok({ service, checks: results }, healthy ? 'ok' : 'degraded'), error: !healthy });
  });
}
