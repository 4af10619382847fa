import { z } from 'zod';
import { SUPPORT_FILE_TYPES } from '../events/ticket-events';
import { uuidParam } from './fields';
import { envelopeSchema } from './envelope';
import { supportRecordSchema } from './support-record.schema';

const fileTypeParam = z.enum(SUPPORT_FILE_TYPES, { message: 'must be LOG or FEEDBACK_PHOTO' });

export const uploadSupportFileParamsSchema = z.object({
  feedbackId: uuidParam('feedbackId'),
  fileType: fileTypeParam,
});

export const downloadSupportFileParamsSchema = z.object({
  coreTicketId: uuidParam('coreTicketId'),
  fileType: fileTypeParam,
});

export const BUCKET_TYPES = ['LOG_IMAGE'] as const;
export const uploadImageQuerySchema = z.object({
  bucketType: z.enum(BUCKET_TYPES, { message: 'bucketType must be LOG_IMAGE' }),
});

export const uploadSupportFileResponseSchema = envelopeSchema(supportRecordSchema);
