import { request as httpRequest, type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream';
import { fail } from '@support-desk/contracts';
import { upstreamFor, type Upstream } from './routes';

// Hop-by-hop headers are for one connection only (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = [prior, req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-forwarded-host'] ??= req.headers.host;
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}

function sendError(res: ServerResponse, status: number, message: string, code: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(fail(message, { code })));
}

/**
 * Streams each request to the service that owns its path and the answer back,
 * bodies untouched (uploads of any size pass through with back-pressure).
 */
export function proxyHandler(upstreams: Record<Upstream, URL>, fallback: URL) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const owner = upstreamFor(path);
    // Docs and health of the gateway's own choosing go to the intake service (any would do).
    const target = owner ? upstreams[owner] : fallback;
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: forwardHeaders(req) },
      (answer) => {
        const headers: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
        res.writeHead(answer.statusCode ?? 502, headers);
        pipeline(answer, res, () => undefined);
      },
    );
    upstream.on('error', () => sendError(res, 502, `The ${owner ?? 'upstream'} service is unavailable`, 'GATEWAY.UPSTREAM_UNAVAILABLE'));
    req.on('aborted', () => upstream.destroy());
    pipeline(req, upstream, () => undefined);
  };
}
