import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingHttpHeaders as Http2IncomingHttpHeaders } from 'node:http2';
import type { FastifyReply, RawServerBase, RouteGenericInterface, RouteHandlerMethod } from 'fastify';
import { fail, type ServiceName } from '@support-desk/contracts';

// Hop-by-hop headers are for one connection only (RFC 9110 §7.6.1).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
];

/** What the service sees of the client: X-Forwarded-*, and the request id that ties both logs together. */
type ClientRequest = { id: string; headers: IncomingHttpHeaders; raw: { socket: { remoteAddress?: string } } };

export function forwardedRequestHeaders<H extends IncomingHttpHeaders | Http2IncomingHttpHeaders>(request: ClientRequest, headers: H): H {
  const out: H = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  out['x-forwarded-for'] = [request.headers['x-forwarded-for'], request.raw.socket.remoteAddress].filter(Boolean).join(', ');
  out['x-forwarded-host'] ??= request.headers.host;
  out['x-forwarded-proto'] ??= 'http';
  out['x-request-id'] = request.id;
  return out;
}

function withoutHopByHop<H extends IncomingHttpHeaders | Http2IncomingHttpHeaders>(headers: H): H {
  const out: H = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

/**
 * reply-from's errors before any answer: timeouts carry status 504 (connect or
 * headers timeout), everything else (refused, reset, closed) means the service
 * could not be reached or dropped the request.
 */
function sendUpstreamFailure(
  reply: FastifyReply<RouteGenericInterface, RawServerBase>,
  owner: ServiceName,
  error: Error & { statusCode?: number; cause?: unknown },
): void {
  const timedOut = error.statusCode === 504;
  reply.log.warn({ upstream: owner, err: error.cause ?? error }, timedOut ? 'upstream timed out' : 'upstream unavailable');
  void reply
    .code(timedOut ? 504 : 502)
    .type('application/json; charset=utf-8')
    .send(
      timedOut
        ? fail(`The ${owner} service did not answer in time`, { code: 'GATEWAY.UPSTREAM_TIMEOUT' })
        : fail(`The ${owner} service is unavailable`, { code: 'GATEWAY.UPSTREAM_UNAVAILABLE' }),
    );
}

/**
 * A handler that passes the request on to `origin` unchanged (path, query,
 * headers, body) and streams the answer back. A Buffer body (a bounded JSON
 * route) goes as one write with its own length; a stream body (an upload) is
 * piped with back-pressure; no body stays none.
 */
export function forwardTo(owner: ServiceName, origin: string): RouteHandlerMethod {
  return (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? { body: request.body, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {};
    return reply.from(undefined, {
      ...body,
      getUpstream: () => origin,
      rewriteRequestHeaders: forwardedRequestHeaders,
      rewriteHeaders: withoutHopByHop,
      // No retries: a POST is not safe to repeat, and a GET's 503 is the service's answer.
      retryDelay: () => null,
      onError: (failed, { error }) => sendUpstreamFailure(failed, owner, error),
      // reply-from asks to close a connection whose body the service did not take whole;
      // the gateway drains that body instead (request-bodies.ts), so the client reads the answer.
      onResponse: (_request, answer, res) => void answer.removeHeader('connection').send(res.stream),
    });
  };
}
