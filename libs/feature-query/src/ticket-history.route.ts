import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_MESSAGES, API_ROUTES, adminTicketParamsSchema, errorEnvelopeSchema, ok, ticketHistoryResponseSchema } from '@support-desk/contracts';
import type { AdminGuard } from '@support-desk/service-kit';
import { loadTicketOr404, type TicketStreamReader } from './ticket-stream';

export type TicketHistoryDeps = { tickets: TicketStreamReader; adminGuard: AdminGuard };

/**
 * GET /api/admin/tickets/{ticketId}/events: the ticket's stream in order, as the
 * event store recorded it. Metadata (correlation ids, request hashes) stays inside.
 */
export function ticketHistoryRoute(deps: TicketHistoryDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      API_ROUTES.ticketHistory.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'The history of one ticket',
          description:
            'Every event of the ticket in order: type, revision (0 = created), position in the store, recordedAt (ms since the epoch) and data, emails and phones unmasked as in the record. 404 TICKET.NOT_FOUND for an unknown id. Admin only.',
          tags: ['admin', 'tickets'],
          security: [{ adminToken: [] }],
          params: adminTicketParamsSchema,
          response: {
            200: ticketHistoryResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const { recorded } = await loadTicketOr404(deps.tickets, request.params.ticketId);
        return ok(
          recorded.map(({ id, type, revision, position, recordedAt, data }) => ({ id, type, revision, position, recordedAt, data })),
          ADMIN_MESSAGES.ticketHistoryFetched,
        );
      },
    );
  };
}
