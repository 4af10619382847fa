import { z } from 'zod';
import { ERASURE_STEPS } from '../events/erasure-events';
import { envelopeSchema } from './envelope';
import { text } from './fields';

/**
 * The admin's privacy routes (issue 15): erase a user everywhere, follow the
 * erasure, export everything we hold about them. The user is the app's `uuid`,
 * exactly as the app sent it in its tickets.
 */
export const userParamsSchema = z.object({ uuid: text(128).meta({ description: "The app user's uuid, as sent in their tickets" }) });

/** The longest `reason`: an audit note, not a document. */
export const ERASURE_REASON_MAX = 500;

export const eraseUserBodySchema = z
  .object({
    reason: text(ERASURE_REASON_MAX).meta({
      description: 'Why (audit trail, kept for good in the erasure events): e.g. "Art. 17 request, mail of 2026-12-01". Do not put personal data here.',
    }),
  })
  .meta({ id: 'EraseUserRequest' });

export const erasureStepStatusSchema = z.object({
  step: z.enum(ERASURE_STEPS),
  status: z.enum(['PENDING', 'DONE']),
  completedAt: z.number().nullable().meta({ description: 'ms since the epoch' }),
  count: z.number().int().nullable().meta({ description: 'Views, files or Zendesk tickets it erased' }),
  note: z.string().nullable().meta({ description: 'Why the step did less than asked (e.g. Zendesk not configured)' }),
});

export const erasureStatusSchema = z
  .object({
    erasureId: z.string(),
    uuid: z.string(),
    status: z.enum(['REQUESTED', 'ERASED']).meta({ description: 'REQUESTED while steps run; ERASED once the data key is deleted (UserErased)' }),
    requestedBy: z.string().meta({ description: 'The admin token id (a hash prefix, never the token) or "retention"' }),
    reason: z.string(),
    requestedAt: z.number(),
    erasedAt: z.number().nullable(),
    tickets: z.number().int(),
    zendeskTickets: z.number().int(),
    files: z.number().int(),
    steps: z.array(erasureStepStatusSchema),
  })
  .meta({ id: 'ErasureStatus' });

export type ErasureStatus = z.infer<typeof erasureStatusSchema>;

export const erasureStatusResponseSchema = envelopeSchema(erasureStatusSchema);

export const exportQuerySchema = z.object({
  format: z.enum(['json', 'zip']).optional().meta({ description: 'json (default): the envelope; zip: export.json and every file, streamed' }),
});

const exportFileSchema = z.object({
  kind: z.enum(['IMAGE', 'LOG', 'FEEDBACK_PHOTO']),
  blobKey: z.string(),
  fileName: z.string(),
  contentType: z.string().nullable(),
  size: z.number().int().nullable(),
  at: z.number(),
  /** Where the zip export holds its bytes; null when the file is no longer stored. */
  zipPath: z.string().nullable(),
});

export const userExportSchema = z
  .object({
    uuid: z.string(),
    exportedAt: z.number(),
    tickets: z.array(
      z.object({
        recordId: z.string(),
        ticketId: z.string(),
        zendeskTicketIds: z.array(z.string()),
        status: z.object({ status: z.string(), changedAt: z.number() }).nullable(),
        events: z.array(
          z.object({ id: z.string(), type: z.string(), revision: z.number().int(), recordedAt: z.number(), data: z.record(z.string(), z.unknown()) }),
        ),
        conversation: z.array(
          z.object({
            author: z.enum(['USER', 'END_USER', 'AGENT', 'ADMIN']),
            kind: z.enum(['MESSAGE', 'REPLY', 'COMMENT']),
            id: z.string(),
            body: z.string(),
            public: z.boolean(),
            images: z.array(z.string()),
            at: z.number(),
          }),
        ),
        files: z.array(exportFileSchema),
      }),
    ),
  })
  .meta({ id: 'UserExport' });

export type UserExport = z.infer<typeof userExportSchema>;

export const userExportResponseSchema = envelopeSchema(userExportSchema);

export const PRIVACY_MESSAGES = {
  erasureRequested: 'Erasure requested',
  erasureExists: 'An erasure of this user is already running or done',
  erasureStatus: 'Erasure status',
  exported: 'Everything held about the user',
} as const;
