import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { errorCodes, type FastifyRequest } from 'fastify';

/**
 * How much of a body the gateway reads and drops after answering before the
 * client finished sending (a refusal, a service's early answer), so the client
 * reads the answer instead of a connection reset. Past either bound the
 * connection is cut: nobody should send 64 MiB to a route that took none of it.
 */
export const LINGER = { maxBytes: 64 * 1024 * 1024, maxMs: 30_000 };

/** Reads the rest of a body into nothing, within LINGER; then the connection can serve its next request. */
export function drainRest(body: Readable, socket: { destroy(): void }, linger = LINGER): void {
  let drained = 0;
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, linger.maxMs).unref();
  body.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > linger.maxBytes) cut();
  });
  body.once('close', () => clearTimeout(timer));
  // A client that goes away meanwhile is no error of ours.
  body.on('error', () => undefined);
  body.resume();
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Stands for a body refused for its size. Not a parser error: fastify answers those
 * with `connection: close`, a reset for a client still sending, which then loses the
 * answer. refuseOversizeBody turns it into the 413 envelope once the route runs.
 */
const TOO_LARGE = Symbol('body too large');

export async function refuseOversizeBody(request: FastifyRequest): Promise<void> {
  if (request.body === TOO_LARGE) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
}

/**
 * A JSON route's body, read whole up to `limit` bytes (what every service's parser
 * allows) and passed on as bytes, unparsed. Over the limit the answer is the 413
 * envelope, given at once (with refuseOversizeBody), and the rest of the body is
 * drained, not reset.
 */
export function boundedBody(limit: number) {
  return (request: FastifyRequest, payload: Readable, done: Done): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null, body?: Buffer | typeof TOO_LARGE) => {
      if (settled) return;
      settled = true;
      payload.off('data', onData);
      done(err, body);
    };
    const refuse = () => {
      settle(null, TOO_LARGE);
      drainRest(payload, request.raw.socket);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return refuse();
      chunks.push(chunk);
    };
    if (Number(request.headers['content-length']) > limit) return refuse();
    payload.on('data', onData);
    payload.once('end', () => settle(null, Buffer.concat(chunks, size)));
    payload.on('error', (err) => settle(err));
  };
}

/**
 * An upload's body, streamed to the service with back-pressure through a stream of
 * its own: when the service answers before taking all of it (a refusal), the
 * HTTP client drops that stream, not the client's connection, and the rest is
 * drained so the client gets the answer. A client that goes away mid-upload cuts
 * the stream short, so the service sees a truncated upload instead of waiting.
 */
export function streamedBody(request: FastifyRequest, payload: Readable, done: Done): void {
  const raw: IncomingMessage = request.raw;
  const body = new PassThrough();
  payload.pipe(body);
  payload.on('error', (err) => body.destroy(err));
  raw.once('close', () => {
    if (!raw.complete) body.destroy(new Error('the client closed the upload before its end'));
  });
  body.once('close', () => {
    if (!raw.complete && !raw.destroyed) {
      payload.unpipe(body);
      drainRest(payload, raw.socket);
    }
  });
  done(null, body);
}
