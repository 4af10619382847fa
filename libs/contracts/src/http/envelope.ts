import { z } from 'zod';

/**
 * Every response of the API uses the seed's envelope: {data, detail, error, message}.
 * Errors keep the same shape with data = null and a machine-readable detail.
 */
export type Envelope<T> = { data: T; detail: unknown; error: boolean; message: string };

export const ok = <T>(data: T, message: string): Envelope<T> => ({ data, detail: null, error: false, message });

export type ErrorDetail = { code: string; issues?: { path: string; message: string }[] };

export const fail = (message: string, detail: ErrorDetail): Envelope<null> => ({
  data: null,
  detail,
  error: true,
  message,
});

export const envelopeSchema = <T extends z.ZodType>(data: T) => z.object({ data, detail: z.unknown().nullable(), error: z.boolean(), message: z.string() });

export const errorEnvelopeSchema = z
  .object({
    data: z.null(),
    detail: z.object({
      code: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
    error: z.literal(true),
    message: z.string(),
  })
  .meta({ id: 'ErrorEnvelope' });

/** Success messages of the seed contract, word for word. */
export const MESSAGES = {
  ticketCreated: 'Adding a complaint successful',
  ticketsFetched: 'Customer support info fetched successfully.',
  fileUploaded: 'User customer support file is uploaded successfully',
  imageUploaded: 'File is uploaded successfully',
} as const;
