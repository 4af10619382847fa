import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { zendeskId } from './zendesk.schema';

/**
 * The JSON body our Zendesk "comment added" trigger sends to
 * POST /api/zendesk/webhook/comments (README "Zendesk" has the trigger).
 * Placeholders render as strings; ids may be numbers.
 */
/** The roles as the trigger renders them, in any case; spaces or hyphens between "end" and "user", or one underscore; spaces or tabs around. */
const AUTHOR_ROLE = /^[ \t]*(?:[Ee][Nn][Dd](?:[ -]+|_)[Uu][Ss][Ee][Rr]|[Aa][Gg][Ee][Nn][Tt]|[Aa][Dd][Mm][Ii][Nn])[ \t]*$/;

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
      .regex(AUTHOR_ROLE, { message: 'must be end-user, agent or admin' })
      .transform((s) => s.trim().toUpperCase().replace(/[ -]+/g, '_') as 'END_USER' | 'AGENT' | 'ADMIN'),
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
