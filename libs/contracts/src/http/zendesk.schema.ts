import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { uuidParam } from './fields';
import { supportRecordSchema } from './support-record.schema';

/**
 * A Zendesk id as a trigger renders it: digits in a string (spaces or tabs around
 * it are trimmed), or a JSON number, whole and no larger than a double holds exactly (a
 * bigger one would not be the id Zendesk sent). Written so the served document
 * says exactly this (a transform's rule would not show in it), in a pattern that
 * reads the same in every regex dialect ([0-9], not \d: Python's \d takes any
 * Unicode digit).
 */
export const zendeskId = (what: string) =>
  z
    .union([
      z.string().regex(/^[ \t]*[0-9]{1,20}[ \t]*$/, { message: `must be the Zendesk ${what} id (digits)` }),
      z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    ])
    .transform((v) => String(v).trim());

/**
 * The JSON body our Zendesk trigger sends to POST /api/zendesk/webhook (README
 * "Zendesk" has the trigger). Placeholders render as strings; ids may be numbers.
 */
export const zendeskWebhookBodySchema = z
  .object({
    ticket_id: zendeskId('ticket'),
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
