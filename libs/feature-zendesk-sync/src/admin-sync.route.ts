import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_ROUTES, errorEnvelopeSchema, ok, zendeskSyncParamsSchema, zendeskSyncResponseSchema } from '@support-desk/contracts';
import { AppError, type AdminGuard } from '@support-desk/service-kit';
import { recordIdForTicket, toSupportRecord, type FileLinks } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';
import type { TicketSyncer } from './ticket-syncer';

export type AdminSyncDeps = { tickets: TicketCommandHandler; syncer: TicketSyncer | undefined; links: FileLinks; adminGuard: AdminGuard };

/**
 * POST /api/admin/zendesk/sync/{ticketId}: sync one ticket now (after a
 * TicketSyncFailed, or a file Zendesk did not get). Safe to call on a synced
 * ticket: nothing is created twice. Answers with the record; `sync` tells the outcome.
 */
export function adminSyncRoute(deps: AdminSyncDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      API_ROUTES.resyncZendesk.path,
      {
        // Credentials first: an unauthenticated request gets 401, whatever its body or parameters.
        onRequest: deps.adminGuard,
        schema: {
          summary: 'Retry the Zendesk sync of one ticket',
          description:
            'Creates the Zendesk ticket if it is missing and sends files Zendesk has not got. The answer is the support record; sync.status / sync.reason tell the outcome. Admin only.',
          tags: ['admin', 'zendesk'],
          security: [{ adminToken: [] }],
          params: zendeskSyncParamsSchema,
          response: {
            200: zendeskSyncResponseSchema,
            400: errorEnvelopeSchema,
            401: errorEnvelopeSchema,
            403: errorEnvelopeSchema,
            404: errorEnvelopeSchema,
            503: errorEnvelopeSchema,
          },
        },
      },
      async (request) => {
        const { ticketId } = request.params;
        if (!deps.syncer) throw new AppError(503, 'ZENDESK.NOT_CONFIGURED', 'Zendesk sync is off: set ZENDESK_SUBDOMAIN (or ZENDESK_URL) and credentials');
        const recordId = recordIdForTicket(ticketId);
        const outcome = await deps.syncer.resync(recordId);
        if (outcome.status === 'NOT_FOUND') throw new AppError(404, 'TICKET.NOT_FOUND', `No ticket with id ${ticketId}`);
        const { ticket } = await deps.tickets.load(recordId);
        if (ticket.status !== 'open') throw new AppError(404, 'TICKET.NOT_FOUND', `No ticket with id ${ticketId}`);
        return ok(toSupportRecord(ticket, deps.links), outcome.status === 'SYNCED' ? 'Ticket is in Zendesk' : `Zendesk sync failed: ${outcome.reason}`);
      },
    );
  };
}
