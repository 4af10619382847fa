import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error';

/**
 * Bearer-token guard for admin routes. 401 when no usable credentials are sent,
 * 403 when they are sent but wrong. Tokens are compared by hash in constant time.
 */
export type AdminGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function parseAdminTokens(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function adminGuard(tokens: readonly string[]): AdminGuard {
  if (tokens.length === 0) throw new Error('adminGuard needs at least one token');
  const known = tokens.map(digest);
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      void reply.header('WWW-Authenticate', 'Bearer realm="support-desk-admin"');
      throw new AppError(401, 'AUTH.REQUIRED', 'Admin credentials required: send Authorization: Bearer <token>');
    }
    const given = digest(match[1]!);
    if (!known.some((k) => timingSafeEqual(k, given))) {
      throw new AppError(403, 'AUTH.FORBIDDEN', 'The admin token is not valid');
    }
  };
}
