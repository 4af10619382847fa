import { z } from 'zod';
import { envelopeSchema } from './envelope';

/**
 * The JSON body our Zendesk "comment added" trigger sends to
 * POST /api/zendesk/webhook/comments (README "Zendesk" has the trigger).
 * Placeholders render as strings; ids may be numbers.
 */
const zendeskId = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .pipe(z.string().regex(/^\d{1,20}$/, { message: `must be the Zendesk ${what} id (digits)` }));

export const zendeskCommentWebhookBodySchema = z
  .object({
    ticket_id: zendeskId('ticket'),
    external_id: z
      .string()
      .trim()
      .max(255)
      .nullish()
      .transform((v) => (v ? v : null)),
    comment_id: zendeskId('comment'),
    /** {{ticket.latest_comment.author.role}}: "end-user", "agent" or "admin" (any case). */
    author_role: z
      .string()
      .trim()
      .transform((s) => s.toUpperCase().replace(/[ -]+/g, '_'))
      .pipe(z.enum(['END_USER', 'AGENT', 'ADMIN'], { message: 'must be end-user, agent or admin' })),
    /** {{ticket.latest_comment.is_public}}: true/false, as a string or a boolean. */
    public: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true'),
    body: z.string().max(65_536),
    created_at: z.string().trim().max(64).nullish(),
  })
  .meta({ id: 'ZendeskCommentWebhookBody' });

export type ZendeskCommentWebhookBody = z.output<typeof zendeskCommentWebhookBodySchema>;

export const zendeskCommentWebhookResponseSchema = envelopeSchema(
  z.object({ applied: z.boolean(), ticketId: z.string().nullable() }).meta({ id: 'ZendeskCommentWebhookResult' }),
);
