import { z } from 'zod';
import { emailField, imageNameField, optionalText, phoneDocSchemas, phoneField, text } from './fields';
import { envelopeSchema } from './envelope';
import { supportRecordSchema } from './support-record.schema';

export const MAX_IMAGES_PER_TICKET = 10;

export const createTicketBodySchema = z
  .object({
    uuid: text(128),
    udid: text(128),
    subject: text(255),
    message: text(20_000),
    email: emailField,
    name: optionalText(255),
    category: text(100),
    phone: z
      .union([...phoneDocSchemas(), z.null()])
      .optional()
      .transform((v) => (v == null || v.trim() === '' ? null : v))
      .pipe(z.union([z.null(), phoneField])),
    images: z
      .array(imageNameField)
      .max(MAX_IMAGES_PER_TICKET, { message: `at most ${MAX_IMAGES_PER_TICKET} images` })
      .nullish()
      .transform((v) => [...new Set(v ?? [])]),
  })
  .meta({ id: 'CreateTicketRequest' });

export type CreateTicketBody = z.output<typeof createTicketBodySchema>;

export const createTicketResponseSchema = envelopeSchema(supportRecordSchema);

export const idempotencyKeyHeaderSchema = z.object({
  'idempotency-key': z.string().trim().min(1).max(255, { message: 'Idempotency-Key must be at most 255 characters' }).optional(),
});
