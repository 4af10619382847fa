import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { withRetries, type RetryPolicy } from './retry-policy';
import { ZendeskError, ZendeskGaveUp } from './zendesk-error';
import type { ZendeskHttp, ZendeskResponse } from './zendesk-http';

/**
 * Erasing a user in Zendesk (issue 15): their tickets and the end user who
 * requested them, for good.
 *
 * Tickets are deleted, then permanently deleted (`DELETE /api/v2/tickets/{id}`,
 * `DELETE /api/v2/deleted_tickets/{id}`), not redacted. Redaction
 * (`PUT /api/v2/comment_redactions/{comment_id}`) removes marked text from
 * comments only: the subject, the requester, every comment we wrote (message,
 * phone, device id, uuid, image names) and the attachments would each need
 * their own redaction, and Zendesk still refuses to delete an end user who is
 * the requester of a ticket that is not closed, which a redacted ticket still
 * is. A deleted ticket no longer holds its requester back, and its permanent
 * deletion takes comments and attachments with it.
 *
 * Then the end user: `DELETE /api/v2/users/{id}` (a soft delete, which Zendesk
 * refuses while they request a ticket that is not closed: one we were not asked
 * about, e.g. an agent's ticket for the same address; that user is reported in
 * `usersRefused`, not deleted) and `DELETE /api/v2/deleted_users/{id}`
 * (permanent).
 *
 * Every call goes through ZendeskHttp (rate limiter, timeout, 429 → every
 * call waits Retry-After) and withRetries (5xx, timeouts, network errors).
 * Idempotent: a 404 is "already done". Crash-safe without state of its own:
 * the requester is read from the ticket, so a ticket a crashed run left
 * soft-deleted is restored (`PUT /api/v2/deleted_tickets/{id}/restore`) to read
 * it, then deleted again.
 */
export type ZendeskErasureOptions = {
  /** Requesters to delete besides those the tickets name, e.g. `usersRefused` of an earlier run once their other tickets are closed. */
  requesterIds?: readonly string[];
  retry?: RetryPolicy;
  clock?: Clock;
  signal?: AbortSignal;
  onRetry?: (error: ZendeskError, attempt: number, delayMs: number) => void;
};

export type ZendeskErasureResult = {
  /** Tickets deleted for good by this run. */
  ticketsDeleted: string[];
  /** Tickets that were gone already (an earlier run, or never there). */
  ticketsAlreadyGone: string[];
  /** End users (requesters) permanently deleted by this run, or found gone. */
  usersDeleted: string[];
  /** End users Zendesk would not delete, with its answer: they still request other tickets that are not closed. */
  usersRefused: { userId: string; reason: string }[];
};

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseMs: 500, maxMs: 30_000 };

const showTicket = z.object({ ticket: z.object({ requester_id: z.union([z.number(), z.string()]).nullish() }) });

export async function eraseZendeskRequester(
  http: ZendeskHttp,
  zendeskTicketIds: readonly string[],
  options: ZendeskErasureOptions = {},
): Promise<ZendeskErasureResult> {
  const call = caller(http, options);
  const ids = [...new Set(zendeskTicketIds)];
  for (const id of ids) if (!/^\d+$/.test(id)) throw new TypeError(`Not a Zendesk ticket id: ${JSON.stringify(id)}`);
  const result: ZendeskErasureResult = { ticketsDeleted: [], ticketsAlreadyGone: [], usersDeleted: [], usersRefused: [] };

  // 1. Who requested them (before anything is deleted, so a rerun can learn it again).
  const requesters = new Set<string>(options.requesterIds ?? []);
  for (const userId of requesters) if (!/^\d+$/.test(userId)) throw new TypeError(`Not a Zendesk user id: ${JSON.stringify(userId)}`);
  for (const id of ids) {
    const requester = await requesterOf(call, id);
    if (requester) requesters.add(requester);
  }
  // 2. The tickets, soft-deleted: they no longer hold their requester back.
  const live = new Set<string>();
  for (const id of ids) if (await call(`delete ticket ${id}`, 'DELETE', `/api/v2/tickets/${id}`)) live.add(id);
  // 3. The requesters, deleted then permanently deleted.
  for (const userId of requesters) {
    try {
      await call(`delete user ${userId}`, 'DELETE', `/api/v2/users/${userId}`);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      result.usersRefused.push({ userId, reason: refusal });
      continue;
    }
    await call(`permanently delete user ${userId}`, 'DELETE', `/api/v2/deleted_users/${userId}`);
    result.usersDeleted.push(userId);
  }
  // 4. The tickets, permanently (comments and attachments with them).
  for (const id of ids) {
    const found = await call(`permanently delete ticket ${id}`, 'DELETE', `/api/v2/deleted_tickets/${id}`);
    (found || live.has(id) ? result.ticketsDeleted : result.ticketsAlreadyGone).push(id);
  }
  return result;
}

/** One call, retried; false when Zendesk answers 404 (already done), the response otherwise. */
type Call = (operation: string, method: 'GET' | 'PUT' | 'DELETE', path: string) => Promise<ZendeskResponse | false>;

function caller(http: ZendeskHttp, options: ZendeskErasureOptions): Call {
  const hooks = { clock: options.clock ?? systemClock, signal: options.signal, onRetry: options.onRetry };
  return (operation, method, path) =>
    withRetries(
      `Zendesk erasure: ${operation}`,
      async () => {
        try {
          return await http.send({ method, path });
        } catch (error) {
          if (error instanceof ZendeskError && error.kind === 'refused' && error.status === 404) return false;
          throw error;
        }
      },
      options.retry ?? DEFAULT_RETRY,
      hooks,
    );
}

/**
 * The ticket's requester. A ticket a crashed run soft-deleted answers 404: it is
 * restored to read it (it is deleted again next). Gone for good: no requester.
 */
async function requesterOf(call: Call, id: string): Promise<string | null> {
  let shown = await call(`show ticket ${id}`, 'GET', `/api/v2/tickets/${id}`);
  if (!shown) {
    if (!(await call(`restore ticket ${id}`, 'PUT', `/api/v2/deleted_tickets/${id}/restore`))) return null;
    shown = await call(`show ticket ${id}`, 'GET', `/api/v2/tickets/${id}`);
    if (!shown) return null;
  }
  const parsed = showTicket.safeParse(shown.body);
  if (!parsed.success) throw new ZendeskError('refused', `Zendesk erasure: show ticket ${id} answered an unexpected shape`);
  const requester = parsed.data.ticket.requester_id;
  return requester === null || requester === undefined ? null : String(requester);
}

/** Zendesk's refusal to delete a user (422): its description, without anything else of the answer. */
function refusalOf(error: unknown): string | undefined {
  const cause = error instanceof ZendeskGaveUp ? error.cause : error;
  if (cause instanceof ZendeskError && cause.kind === 'refused' && (cause.status === 422 || cause.status === 403)) return cause.message;
  return undefined;
}
