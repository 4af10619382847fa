import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_ROUTES, MESSAGES, errorEnvelopeSchema, ok, searchTicketsBodySchema, searchTicketsQuerySchema, searchTicketsResponseSchema } from '@support-desk/contracts';
import type { TicketReadModel } from '@support-desk/read-model';
import type { AdminGuard } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import { supportRecordFromView } from './ticket-view.support-record';

export type QueryDeps = { readModel: TicketReadModel; links: FileLinks; adminGuard: AdminGuard };

/**
 * POST /api/admin/fetch/customer/support: AND of the given fields, newest first.
 * Paging in the query string (`?page=1&pageSize=20`, max 100); totals in headers
 * X-Total-Count, X-Page, X-Page-Size, so `data` stays the seed's plain array.
 */
export function searchTicketsRoute(deps: QueryDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      API_ROUTES.searchTickets.path,
      {
        preHandler: deps.adminGuard,
        schema: {
          summary: 'Search customer support',
          description:
            'Optional fields uuid, udid, email, phone, ticketId, zendeskTicketId, combined with AND; an empty string means not given. Results newest first, paged with ?page=&pageSize= (default 1 and 20, pageSize at most 100); X-Total-Count tells the total.',
          tags: ['admin', 'tickets'],
          security: [{ adminToken: [] }],
          body: searchTicketsBodySchema,
          querystring: searchTicketsQuerySchema,
          response: { 200: searchTicketsResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema },
        },
      },
      async (request, reply) => {
        const { page, pageSize } = request.query;
        const result = await deps.readModel.search(request.body, { offset: (page - 1) * pageSize, limit: pageSize });
        void reply.header('X-Total-Count', String(result.total)).header('X-Page', String(page)).header('X-Page-Size', String(pageSize));
        return ok(
          result.items.map((view) => supportRecordFromView(view, deps.links)),
          MESSAGES.ticketsFetched,
        );
      },
    );
  };
}
