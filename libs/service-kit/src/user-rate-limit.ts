import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { AppError } from './app-error';
import type { UserAuth, UserLimitKind } from './user-auth';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Registers @fastify/rate-limit in the caller's scope, for the routes that ask
 * (see `appRouteOptions`). It runs at preHandler, after `authenticate`, so it
 * counts per verified user; unauthenticated requests never count. Counters live
 * in this process (one store per route): behind the gateway each app route has
 * one owning service, so with one instance per service the limit is exact, and
 * with N instances it is at most N times the setting (README "Abuse limits").
 */
export async function registerUserRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) =>
      new AppError(
        429,
        'RATE_LIMIT.EXCEEDED',
        `Too many requests: at most ${context.max} per hour; retry after ${Math.max(1, Math.ceil(context.ttl / 1000))} s (Retry-After)`,
      ),
  });
}

/** The options an app route adds to its own: identity first (onRequest), then its hourly limit. */
export function appRouteOptions(auth: UserAuth | undefined, kind: UserLimitKind): Pick<RouteShorthandOptions, 'onRequest' | 'config'> {
  if (!auth) return {};
  const max = auth.limitPerHour(kind);
  return {
    onRequest: auth.authenticate,
    config: max > 0 ? { rateLimit: { max, timeWindow: HOUR_MS, keyGenerator: (request: FastifyRequest) => userKey(auth, request) } } : {},
  };
}

/** Per user when signed in; per client address (X-Forwarded-For behind the gateway: trustProxy) while USER_AUTH=off. */
function userKey(auth: UserAuth, request: FastifyRequest): string {
  const user = auth.userOf(request);
  return user ? `user:${user}` : `ip:${request.ip}`;
}
