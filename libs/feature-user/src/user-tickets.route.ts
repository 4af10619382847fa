import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  USER_MESSAGES,
  errorEnvelopeSchema,
  ok,
  userTicketDetailResponseSchema,
  userTicketListResponseSchema,
  userTicketParamsSchema,
  userTicketsQuerySchema,
  type TicketEvent,
  type UserTicketSummary,
} from '@support-desk/contracts';
import type { TicketReadModel } from '@support-desk/read-model';
import { AppError, type UserAuth } from '@support-desk/service-kit';
import { recordIdForTicket, toTicketEvent, type OpenTicket } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import { answeredNotModified } from './http-etag';
import { ticketNotFound, verifiedUser } from './user-identity';
import { userTicketDetail, userTicketSummary } from './user-ticket-view';

export type UserTicketsDeps = {
  /** The ticket streams: the truth for what the user sees of each ticket. */
  tickets: TicketCommandHandler;
  /** Which tickets are the user's (search by uuid), newest first. */
  readModel: TicketReadModel;
  userAuth?: UserAuth;
};

const AUTH_ERRORS = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema };

/**
 * GET /api/user/tickets and GET /api/user/tickets/{ticketId}: the verified
 * caller's own tickets (USER_AUTH=jwt; 403 while off). Another user's ticket is
 * a 404, word for word the one of a ticket that does not exist. Both answers
 * carry an ETag for cheap polling.
 */
export function userTicketsRoute(deps: UserTicketsDeps): FastifyPluginAsyncZod {
  const access = deps.userAuth ? { onRequest: deps.userAuth.authenticate } : {};
  return async (app) => {
    app.get(
      API_ROUTES.userTickets.path,
      {
        ...access,
        schema: {
          summary: "The app user's tickets",
          description:
            'Needs USER_AUTH=jwt and `Authorization: Bearer <app user JWT>`. Newest first, `limit` per page; pass `nextCursor` back as `cursor` for the next. Send the ETag back in If-None-Match to get 304 while nothing changed.',
          tags: ['app user'],
          querystring: userTicketsQuerySchema,
          response: { 200: userTicketListResponseSchema, ...AUTH_ERRORS },
        },
      },
      async (request, reply) => {
        const uuid = verifiedUser(deps.userAuth, request);
        const offset = decodeCursor(request.query.cursor);
        const { limit } = request.query;
        // One more than asked tells whether a next page exists, whatever the adapter counts.
        const found = await deps.readModel.search({ uuid }, { offset, limit: limit + 1 });
        const items: UserTicketSummary[] = [];
        for (const view of found.items.slice(0, limit)) {
          const own = await ownTicket(deps.tickets, view.recordId, uuid);
          if (own) items.push(userTicketSummary(own.ticket, own.events));
        }
        const data = { items, nextCursor: found.items.length > limit ? encodeCursor(offset + limit) : null };
        if (answeredNotModified(request, reply, data)) return reply;
        return ok(data, USER_MESSAGES.ticketsFetched);
      },
    );

    app.get(
      API_ROUTES.userTicket.path,
      {
        ...access,
        schema: {
          summary: "One of the app user's tickets, with its conversation",
          description:
            "Needs USER_AUTH=jwt. The ticket and its public conversation in order: the user's replies and the support team's public comments; internal notes are never shown. ETag / If-None-Match → 304.",
          tags: ['app user'],
          params: userTicketParamsSchema,
          response: { 200: userTicketDetailResponseSchema, ...AUTH_ERRORS, 404: errorEnvelopeSchema },
        },
      },
      async (request, reply) => {
        const uuid = verifiedUser(deps.userAuth, request);
        const { ticketId } = request.params;
        const own = await ownTicket(deps.tickets, recordIdForTicket(ticketId.toLowerCase()), uuid);
        if (!own) throw ticketNotFound(ticketId);
        const data = userTicketDetail(own.ticket, own.events);
        if (answeredNotModified(request, reply, data)) return reply;
        return ok(data, USER_MESSAGES.ticketFetched);
      },
    );
  };
}

/** The ticket and its events when it exists and is this user's (exact uuid: search matches any case). */
async function ownTicket(tickets: TicketCommandHandler, recordId: string, uuid: string): Promise<{ ticket: OpenTicket; events: TicketEvent[] } | undefined> {
  const { ticket, recorded } = await tickets.load(recordId);
  if (ticket.status !== 'open' || ticket.uuid !== uuid) return undefined;
  return { ticket, events: recorded.map(toTicketEvent).filter((e): e is TicketEvent => e !== undefined) };
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    // answered below
  }
  throw new AppError(400, 'REQUEST.BAD_CURSOR', 'cursor is not a nextCursor this API gave');
}
