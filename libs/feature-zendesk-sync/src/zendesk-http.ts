import { Readable } from 'node:stream';
import type { RateLimiter } from './rate-limiter';
import { authorizationHeader, type ZendeskSettings } from './zendesk-settings';
import { ZendeskError } from './zendesk-error';
import { endpointOf, type ZendeskInstruments } from './zendesk-instruments';

export type ZendeskRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  json?: unknown;
  /** A raw body (uploads), streamed with its length: never a whole file in memory. */
  stream?: { body: Readable; contentType: string; length: number };
  headers?: Record<string, string>;
};

export type ZendeskResponse = { status: number; headers: Headers; body: unknown };

/**
 * One HTTP exchange with Zendesk: rate limit, auth, timeout, and the outcome
 * sorted into ZendeskError kinds. No retries here (see retry-policy.ts).
 */
export class ZendeskHttp {
  constructor(
    private readonly settings: ZendeskSettings,
    private readonly limiter: RateLimiter,
    /** Aborted on shutdown: in-flight calls stop, and that is not a Zendesk failure. */
    private readonly stopSignal?: AbortSignal,
    private readonly instruments?: ZendeskInstruments,
  ) {}

  async send(request: ZendeskRequest): Promise<ZendeskResponse> {
    await this.limiter.acquire(this.stopSignal);
    const traced = this.instruments?.traced;
    if (traced)
      return traced(request.method, endpointOf(request.path), (headers) => this.exchange({ ...request, headers: { ...request.headers, ...headers } }));
    return this.exchange(request);
  }

  private async exchange(request: ZendeskRequest): Promise<ZendeskResponse> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = this.stopSignal ? AbortSignal.any([this.stopSignal, timeout]) : timeout;
    const what = `${request.method} ${request.path.split('?')[0]}`;
    const started = performance.now();
    let status = 'network';
    try {
      const response = await fetch(`${this.settings.baseUrl}${request.path}`, {
        method: request.method,
        headers: this.headers(request),
        signal,
        ...this.body(request),
      });
      status = String(response.status);
      const text = await response.text();
      return this.outcome(what, response, text);
    } catch (error) {
      request.stream?.body.destroy();
      if (error instanceof ZendeskError) throw error;
      if (this.stopSignal?.aborted) throw error;
      if (timeout.aborted) {
        status = 'timeout';
        throw new ZendeskError('timeout', `${what} got no answer within ${this.settings.timeoutMs} ms`);
      }
      const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new ZendeskError('network', `${what} failed: ${reason}`);
    } finally {
      this.instruments?.call(request.method, endpointOf(request.path), status, (performance.now() - started) / 1000);
    }
  }

  private headers(request: ZendeskRequest): Record<string, string> {
    const headers: Record<string, string> = { Authorization: authorizationHeader(this.settings.auth), Accept: 'application/json', ...request.headers };
    if (request.json !== undefined) headers['Content-Type'] = 'application/json';
    if (request.stream) {
      headers['Content-Type'] = request.stream.contentType;
      headers['Content-Length'] = String(request.stream.length);
    }
    return headers;
  }

  private body(request: ZendeskRequest): { body?: RequestInit['body']; duplex?: 'half' } {
    if (request.json !== undefined) return { body: JSON.stringify(request.json) };
    if (request.stream) return { body: Readable.toWeb(request.stream.body) as ReadableStream<Uint8Array>, duplex: 'half' };
    return {};
  }

  private outcome(what: string, response: Response, text: string): ZendeskResponse {
    const { status } = response;
    if (status >= 200 && status < 300) return { status, headers: response.headers, body: parseJson(text) };
    const detail = errorDetail(text);
    const message = `Zendesk answered ${status} to ${what}${detail ? `: ${detail}` : ''}`;
    if (status === 429) {
      const wait = retryAfterMs(response.headers.get('retry-after'));
      // The limit is per account: every call of ours waits, not only this one.
      this.limiter.pause(wait);
      this.instruments?.rateLimited(wait);
      throw new ZendeskError('rate-limited', message, status, wait);
    }
    if (status >= 500 || status === 408 || status === 409) throw new ZendeskError('unavailable', message, status);
    throw new ZendeskError('refused', message, status);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Zendesk's error bodies: {"error": "...", "description": "..."} or text; kept short for the record's reason. */
function errorDetail(text: string): string {
  const body = parseJson(text);
  if (body && typeof body === 'object') {
    const { error, description } = body as { error?: unknown; description?: unknown };
    const parts = [typeof error === 'string' ? error : error ? JSON.stringify(error) : '', typeof description === 'string' ? description : ''];
    return parts.filter(Boolean).join(' - ').slice(0, 300);
  }
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

/** Retry-After in seconds or as an HTTP date; 60 s when missing or unreadable (Zendesk's window is a minute). */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return 60_000;
}
