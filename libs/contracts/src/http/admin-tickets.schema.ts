import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { uuidParam } from './fields';
import { supportRecordSchema } from './support-record.schema';

/** GET /api/admin/tickets/{ticketId} and …/events: the ticket id (coreTicketId), a UUID. */
export const adminTicketParamsSchema = z.object({ ticketId: uuidParam('ticketId') });

export const ticketDetailResponseSchema = envelopeSchema(supportRecordSchema);

/**
 * One event of a ticket's stream as the event store recorded it: its type, its
 * place in the stream (revision, from 0) and in the whole store (position, opaque),
 * when it was recorded (ms since the epoch) and its data, unmasked as in the record.
 */
export const ticketHistoryEventSchema = z
  .object({
    id: z.string(),
    type: z.string().meta({ description: 'TicketRequested, SupportFileUploaded, TicketSynced, TicketSyncFailed, SupportFileSynced, TicketStatusChanged' }),
    revision: z.number().int(),
    position: z.string(),
    recordedAt: z.number(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TicketHistoryEvent' });

export type TicketHistoryEvent = z.infer<typeof ticketHistoryEventSchema>;

export const ticketHistoryResponseSchema = envelopeSchema(z.array(ticketHistoryEventSchema));

/** What the admin console needs from the server's configuration. */
export const adminConsoleConfigSchema = z
  .object({
    /** Base URL of the configured Zendesk account (tickets at `<zendeskUrl>/agent/tickets/<id>`); null while Zendesk is off. */
    zendeskUrl: z.string().nullable(),
  })
  .meta({ id: 'AdminConsoleConfig' });

export type AdminConsoleConfig = z.infer<typeof adminConsoleConfigSchema>;

export const adminConsoleConfigResponseSchema = envelopeSchema(adminConsoleConfigSchema);

export const ADMIN_MESSAGES = {
  ticketFetched: 'Ticket fetched',
  ticketHistoryFetched: 'Ticket history fetched',
  consoleConfig: 'Admin console settings',
} as const;
