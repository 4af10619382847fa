import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { uuidParam } from './fields';
import { supportRecordSchema } from './support-record.schema';

/**
 * The JSON body our Zendesk trigger sends to POST /api/zendesk/webhook (README
 * "Zendesk" has the trigger). Placeholders render as strings; ids may be numbers.
 */
export const zendeskWebhookBodySchema = z
  .object({
    ticket_id: z
      .union([z.string(), z.number()])
      .transform((v) => String(v).trim())
      .pipe(z.string().regex(/^\d{1,20}$/, { message: 'must be the Zendesk ticket id (digits)' })),
    external_id: z
      .string()
      .trim()
      .max(255)
      .nullish()
      .transform((v) => (v ? v : null)),
    status: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z _-]{0,39}$/, { message: 'must be a Zendesk ticket status such as open or solved' })
      .transform((s) => s.toUpperCase().replace(/[ -]+/g, '_')),
    updated_at: z.string().trim().max(64).nullish(),
  })
  .meta({ id: 'ZendeskWebhookBody' });

export type ZendeskWebhookBody = z.output<typeof zendeskWebhookBodySchema>;

export const zendeskWebhookResponseSchema = envelopeSchema(
  z.object({ applied: z.boolean(), ticketId: z.string().nullable(), ticketStatus: z.string().nullable() }).meta({ id: 'ZendeskWebhookResult' }),
);

export const zendeskSyncParamsSchema = z.object({ ticketId: uuidParam('ticketId') });

export const zendeskSyncResponseSchema = envelopeSchema(supportRecordSchema);
