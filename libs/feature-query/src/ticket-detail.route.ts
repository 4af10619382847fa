import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_MESSAGES, API_ROUTES, adminTicketParamsSchema, errorEnvelopeSchema, ok, ticketDetailResponseSchema } from '@support-desk/contracts';
import type { AdminGuard } from '@support-desk/service-kit';
import { toSupportRecord, type FileLinks } from '@support-desk/ticket-domain';
import { loadTicketOr404, type TicketStreamReader } from './ticket-stream';

export type TicketAdminDeps = { tickets: TicketStreamReader; links: FileLinks; adminGuard: AdminGuard };

/**
 * GET /api/admin/tickets/{ticketId}: one support record, folded from the ticket's
 * stream like the writers' answers, so it already shows what the history shows
 * (search's read model may trail by a few milliseconds).
 */
export function ticketDetailRoute(deps: TicketAdminDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.ticketDetail.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'One support record',
          description:
            'The support record of the ticket with this ticketId (coreTicketId), as search answers it. 404 TICKET.NOT_FOUND for an unknown id. Admin only.',
          tags: ['admin', 'tickets'],
          security: [{ adminToken: [] }],
          params: adminTicketParamsSchema,
          response: { 200: ticketDetailResponseSchema, 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema, 404: errorEnvelopeSchema },
        },
      },
      async (request) => {
        const { ticket } = await loadTicketOr404(deps.tickets, request.params.ticketId);
        return ok(toSupportRecord(ticket, deps.links), ADMIN_MESSAGES.ticketFetched);
      },
    );
  };
}
