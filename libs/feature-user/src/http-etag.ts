import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Cheap polling: the answer's ETag is a hash of what it says; a client that
 * sends it back in If-None-Match gets 304 and no body while nothing changed.
 * Returns true when the 304 was sent.
 */
export function answeredNotModified(request: FastifyRequest, reply: FastifyReply, payload: unknown): boolean {
  const etag = `W/"${createHash('sha256').update(JSON.stringify(payload)).digest('base64url').slice(0, 27)}"`;
  void reply.header('etag', etag).header('cache-control', 'private, no-cache');
  const sent = request.headers['if-none-match'];
  if (typeof sent !== 'string' || !sent.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) return false;
  void reply.code(304).send();
  return true;
}
