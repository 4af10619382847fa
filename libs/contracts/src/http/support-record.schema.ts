import { z } from 'zod';

/**
 * The support record as the seed returns it. We only know the user by uuid and
 * the device by udid, so user/device carry those and never invented profile data.
 */
export const ticketInfoSchema = z.object({
  id: z.string(),
  coreTicketNumber: z.null(),
  supportTicketId: z.string().nullable(),
  subject: z.string(),
  message: z.string(),
  ticketStatus: z.string(),
  userTransactionId: z.null(),
  userId: z.string(),
  userName: z.string().nullable(),
  images: z.array(z.string()),
});

export const supportRecordSchema = z
  .object({
    id: z.string(),
    user: z.object({ id: z.string() }),
    device: z.object({ udid: z.string() }),
    ticketId: z.string(),
    logPath: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string(),
    phone: z.string().nullable(),
    category: z.string(),
    ticketInfo: ticketInfoSchema,
    feedbackPhoto: z.string().nullable(),
    creationDate: z.number(),
    sync: z.object({
      status: z.enum(['PENDING', 'SYNCED', 'FAILED']),
      reason: z.string().nullable(),
    }),
  })
  .meta({ id: 'SupportRecord' });

export type SupportRecord = z.infer<typeof supportRecordSchema>;
