import type { AdminConsoleConfig, SupportRecord, TicketHistoryEvent } from '@support-desk/contracts';

/** A refused or failed call: the envelope's message and code, or what kept the answer from coming. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server no longer takes the token (401 none usable, 403 wrong: expired or removed). */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export type SearchPage = {
  records: SupportRecord[];
  /** X-Total-Count; the server may leave it out on later pages. */
  total: number | null;
  /** X-Next-Cursor; null on the last page. */
  nextCursor: string | null;
};

export type Download = { blob: Blob; fileName: string | null };

type Envelope<T> = { data: T; message: string; error: boolean; detail: { code?: string } | null };

/**
 * The admin API from the browser, same origin, every call with
 * Authorization: Bearer <token>. A 401/403 on a signed-in call ends the session
 * (`onAuthFailure`), so the admin lands back on sign-in with a message.
 */
export class AdminApi {
  constructor(
    private readonly token: () => string | null,
    private readonly onAuthFailure: (error: ApiError) => void,
  ) {}

  /** Checks a token before it is kept: a 403 here is a typo, not an ended session. */
  async checkToken(token: string, signal?: AbortSignal): Promise<AdminConsoleConfig> {
    const res = await this.send('/api/admin/console-config', { signal }, token);
    return (await envelope<AdminConsoleConfig>(res)).data;
  }

  async config(signal?: AbortSignal): Promise<AdminConsoleConfig> {
    return (await envelope<AdminConsoleConfig>(await this.call('/api/admin/console-config', { signal }))).data;
  }

  async search(body: Record<string, string>, paging: { pageSize: number; cursor?: string }, signal?: AbortSignal): Promise<SearchPage> {
    const query = new URLSearchParams({ pageSize: String(paging.pageSize) });
    if (paging.cursor) query.set('cursor', paging.cursor);
    const res = await this.call(`/api/admin/fetch/customer/support?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const total = res.headers.get('x-total-count');
    return {
      records: (await envelope<SupportRecord[]>(res)).data,
      total: total !== null && /^\d+$/.test(total) ? Number(total) : null,
      nextCursor: res.headers.get('x-next-cursor') || null,
    };
  }

  async ticket(ticketId: string, signal?: AbortSignal): Promise<SupportRecord> {
    return (await envelope<SupportRecord>(await this.call(`/api/admin/tickets/${encodeURIComponent(ticketId)}`, { signal }))).data;
  }

  async history(ticketId: string, signal?: AbortSignal): Promise<TicketHistoryEvent[]> {
    return (await envelope<TicketHistoryEvent[]>(await this.call(`/api/admin/tickets/${encodeURIComponent(ticketId)}/events`, { signal }))).data;
  }

  /** POST /api/admin/zendesk/sync/{ticketId}: the record after the try, and the server's word on it. */
  async retrySync(ticketId: string): Promise<{ record: SupportRecord; message: string }> {
    const { data, message } = await envelope<SupportRecord>(await this.call(`/api/admin/zendesk/sync/${encodeURIComponent(ticketId)}`, { method: 'POST' }));
    return { record: data, message };
  }

  /** A file behind an admin route (log, photo, image), as a Blob: an <img> or a link cannot send the token. */
  async download(path: string, signal?: AbortSignal): Promise<Download> {
    const res = await this.call(path, { signal });
    if (!res.ok) await envelope(res);
    return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition')) };
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    const token = this.token();
    if (!token) {
      const error = new ApiError(401, 'AUTH.REQUIRED', 'Sign in with an admin token first.');
      this.onAuthFailure(error);
      throw error;
    }
    const res = await this.send(path, init, token);
    if (res.status === 401 || res.status === 403) {
      const error = await errorOf(res);
      this.onAuthFailure(error);
      throw error;
    }
    return res;
  }

  private async send(path: string, init: RequestInit, token: string): Promise<Response> {
    try {
      return await fetch(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}`, accept: 'application/json, */*' },
        // Never cached by the browser: these answers hold customer data.
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check the connection and try again.');
    }
  }
}

async function envelope<T>(res: Response): Promise<Envelope<T>> {
  if (!res.ok) throw await errorOf(res);
  try {
    return (await res.json()) as Envelope<T>;
  } catch {
    throw new ApiError(res.status, 'RESPONSE.NOT_JSON', `The server answered ${res.status} without a readable body.`);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<Envelope<null>>;
    return new ApiError(res.status, body.detail?.code ?? `HTTP.${res.status}`, body.message ?? `The server answered ${res.status}.`);
  } catch {
    return new ApiError(res.status, `HTTP.${res.status}`, `The server answered ${res.status}.`);
  }
}

/** The file name of a Content-Disposition header: filename* (RFC 8187) first, then filename. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // malformed: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
  if (!plain) return null;
  return (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1').trim() || null;
}
