import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { imageNameField, text, uuidParam } from './fields';

/** The app user's own tickets (USER_AUTH=jwt): GET /api/user/tickets, …/{ticketId}, POST …/{ticketId}/comments. */
export const USER_TICKETS_PAGE_SIZE_MAX = 50;
export const MAX_IMAGES_PER_REPLY = 5;

export const userTicketsQuerySchema = z.object({
  cursor: z.string().trim().max(200).optional().meta({ description: 'The `nextCursor` of the previous page; absent for the first page.' }),
  limit: z.coerce.number().int().min(1).max(USER_TICKETS_PAGE_SIZE_MAX).default(20),
});

export const userTicketParamsSchema = z.object({ ticketId: uuidParam('ticketId') });

export const userTicketSummarySchema = z
  .object({
    ticketId: z.string(),
    feedbackId: z.string().meta({ description: 'The support record id, for POST /api/user/help/file/upload/{feedbackId}/{fileType}.' }),
    subject: z.string(),
    status: z.string().meta({ description: "Zendesk's status of the ticket (CREATED until Zendesk reports one)." }),
    createdAt: z.number().meta({ description: 'epoch ms' }),
    lastReplyAt: z.number().nullable().meta({ description: "epoch ms of the support team's last public reply; null before the first." }),
  })
  .meta({ id: 'UserTicketSummary' });

export const userTicketListSchema = z.object({ items: z.array(userTicketSummarySchema), nextCursor: z.string().nullable() }).meta({ id: 'UserTicketList' });

export const conversationEntrySchema = z
  .object({
    id: z.string().meta({ description: 'The reply id (the user) or the Zendesk comment id (support).' }),
    author: z.enum(['USER', 'SUPPORT']),
    body: z.string(),
    images: z.array(z.string()),
    createdAt: z.number().meta({ description: 'epoch ms' }),
    delivered: z.boolean().meta({ description: 'USER entries: posted to the Zendesk ticket yet. SUPPORT entries: always true.' }),
  })
  .meta({ id: 'ConversationEntry' });

export const userTicketDetailSchema = userTicketSummarySchema
  .extend({ message: z.string(), images: z.array(z.string()), conversation: z.array(conversationEntrySchema) })
  .meta({ id: 'UserTicket' });

export const userReplyBodySchema = z
  .object({
    body: text(20_000),
    images: z
      .array(imageNameField)
      .max(MAX_IMAGES_PER_REPLY, { message: `at most ${MAX_IMAGES_PER_REPLY} images` })
      .nullish()
      .transform((v) => [...new Set(v ?? [])]),
  })
  .meta({ id: 'UserReplyRequest' });

export type UserReplyBody = z.output<typeof userReplyBodySchema>;

export const userTicketListResponseSchema = envelopeSchema(userTicketListSchema);
export const userTicketDetailResponseSchema = envelopeSchema(userTicketDetailSchema);
export const userReplyResponseSchema = envelopeSchema(conversationEntrySchema);

export type UserTicketSummary = z.infer<typeof userTicketSummarySchema>;
export type UserTicketDetail = z.infer<typeof userTicketDetailSchema>;
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

export const USER_MESSAGES = {
  ticketsFetched: 'Your support tickets',
  ticketFetched: 'Your support ticket',
  replyAdded: 'Reply sent to support',
} as const;
