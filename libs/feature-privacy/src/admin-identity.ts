import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Which admin asked, for the audit trail: the admin guard knows tokens only, so
 * an admin is named by a short hash of their token (`admin:3f1a9c0b2d4e`). It
 * tells tokens apart (each admin or system should have its own in ADMIN_TOKEN)
 * and cannot be turned back into the token; the token itself is never stored or logged.
 */
export function adminTokenId(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  // The guard ran first (onRequest), so a token is there; 'admin:unknown' only if a route is mounted without it.
  if (!token) return 'admin:unknown';
  return `admin:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}
