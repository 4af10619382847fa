import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  API_ROUTES,
  MESSAGES,
  errorEnvelopeSchema,
  ok,
  searchTicketsBodySchema,
  searchTicketsQuerySchema,
  searchTicketsResponseSchema,
} from '@support-desk/contracts';
import { sortKeyOf, type Page, type TicketReadModel } from '@support-desk/read-model';
import type { AdminGuard } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import { decodeCursor, encodeCursor } from './search-cursor';
import { supportRecordFromView } from './ticket-view.support-record';

export type QueryDeps = { readModel: TicketReadModel; links: FileLinks; adminGuard: AdminGuard };

/**
 * POST /api/admin/fetch/customer/support: AND of the given fields, newest first
 * (creation date, then record id). Paging in the query string: `?page=&pageSize=`
 * (offset; X-Page, and X-Total-Count where the read model counts without a
 * scan) or `?cursor=` (keyset: the X-Next-Cursor of the page before; no count,
 * and a page costs the same at any depth). Every page that has a next one says
 * X-Next-Cursor, so `data` stays the seed's plain array.
 */
export function searchTicketsRoute(deps: QueryDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      API_ROUTES.searchTickets.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Search customer support',
          description: [
            'Optional fields uuid, udid, email, phone, ticketId, zendeskTicketId, q (free text: every word in the subject or message), ticketStatus, syncStatus, category, createdFrom (inclusive) and createdTo (exclusive), combined with AND; an empty string means not given.',
            'Results newest first. Page by number with ?page=&pageSize= (default 1 and 20, pageSize at most 100), or follow the X-Next-Cursor header of a page with ?cursor=<it>&pageSize= (not both: 400).',
            'Headers: X-Page-Size; X-Page on numbered pages; X-Next-Cursor when another page follows; X-Total-Count on numbered pages when the read model counts without a scan (always on the embedded one; on FerretDB when a customer or ticket field is given), never after a cursor.',
            'A cursor used with other filters: 400 SEARCH.BAD_CURSOR.',
          ].join(' '),
          tags: ['admin', 'tickets'],
          security: [{ adminToken: [] }],
          body: searchTicketsBodySchema,
          querystring: searchTicketsQuerySchema,
          response: { 200: searchTicketsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
        },
      },
      async (request, reply) => {
        const { pageSize, cursor } = request.query;
        const query = request.body;
        const pageNumber = request.query.page ?? 1;
        const page: Page = cursor ? { after: decodeCursor(cursor, query), limit: pageSize } : { offset: (pageNumber - 1) * pageSize, limit: pageSize };
        const result = await deps.readModel.search(query, page);
        void reply.header('X-Page-Size', String(pageSize));
        if (!cursor) void reply.header('X-Page', String(pageNumber));
        if (result.total !== undefined) void reply.header('X-Total-Count', String(result.total));
        const last = result.items.at(-1);
        if (result.hasMore && last) void reply.header('X-Next-Cursor', encodeCursor(sortKeyOf(last), query));
        return ok(
          result.items.map((view) => supportRecordFromView(view, deps.links)),
          MESSAGES.ticketsFetched,
        );
      },
    );
  };
}
