import { createHash } from 'node:crypto';
import { normalizeQuery, type SortKey, type TicketSearchQuery } from '@support-desk/read-model';
import { badRequest } from '@support-desk/service-kit';

/**
 * The X-Next-Cursor of a search page: the sort key of the page's last ticket
 * (creation date, record id) and a fingerprint of the search it belongs to,
 * as base64url JSON. Opaque to clients: they send it back as `?cursor=`
 * unchanged. A cursor used with other filters is refused (SEARCH.BAD_CURSOR)
 * rather than answered with a page of a different list.
 */
type CursorBody = { v: 1; t: number; r: string; f: string };

export function encodeCursor(last: SortKey, query: TicketSearchQuery): string {
  const body: CursorBody = { v: 1, t: last.createdAt, r: last.recordId, f: fingerprint(query) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string, query: TicketSearchQuery): SortKey {
  const body = parse(cursor);
  if (!body) throw badCursor('The cursor is not one this API gave out: start again from the first page.');
  if (body.f !== fingerprint(query)) throw badCursor('The cursor belongs to a search with other filters: start again from the first page.');
  return { createdAt: body.t, recordId: body.r };
}

function parse(cursor: string): CursorBody | undefined {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody> | null;
    const ok =
      body?.v === 1 && Number.isSafeInteger(body.t) && typeof body.r === 'string' && body.r.length > 0 && body.r.length <= 128 && typeof body.f === 'string';
    return ok ? (body as CursorBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The search as the read model applies it (normalized: case, trimming, phone
 * punctuation and word order make no difference), hashed. Short: it only has to
 * tell an admin's searches apart, not resist forgery (a forged cursor can only
 * start a page of the same search elsewhere).
 */
function fingerprint(query: TicketSearchQuery): string {
  const n = normalizeQuery(query);
  const canonical = JSON.stringify([
    Object.entries(n.keys).sort(([a], [b]) => (a < b ? -1 : 1)),
    n.ticketStatus ?? null,
    n.syncStatus ?? null,
    n.category ?? null,
    n.words ? [...n.words].sort() : null,
    n.createdFrom ?? null,
    n.createdTo ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

const badCursor = (message: string) => badRequest('SEARCH.BAD_CURSOR', message);
