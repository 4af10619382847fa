import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { CONTROL_CHARS } from './fields';
import { supportRecordSchema } from './support-record.schema';

/** Search filter values are plain strings: an object such as {"$ne": ""} is refused with 400. */
const filterValue = z
  .string({ message: 'must be a string' })
  .max(254, { message: 'must be at most 254 characters' })
  // No stored value has control characters, and some storage engines refuse NUL outright.
  .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' })
  .nullish()
  .transform((v) => (v == null || v.trim() === '' ? undefined : v.trim()));

export const SEARCH_DEFAULT_PAGE_SIZE = 20;
export const SEARCH_MAX_PAGE_SIZE = 100;

export const searchTicketsBodySchema = z
  .object({
    uuid: filterValue,
    udid: filterValue,
    email: filterValue,
    phone: filterValue,
    ticketId: filterValue,
    zendeskTicketId: filterValue,
  })
  .meta({ id: 'SearchTicketsRequest' });

/** Paging is in the query string so the body stays exactly the seed's filter. */
export const searchTicketsQuerySchema = z.object({
  page: z.coerce.number({ message: 'page must be a number' }).int().min(1).max(10_000).default(1),
  pageSize: z.coerce
    .number({ message: 'pageSize must be a number' })
    .int()
    .min(1)
    .max(SEARCH_MAX_PAGE_SIZE, { message: `pageSize must be at most ${SEARCH_MAX_PAGE_SIZE}` })
    .default(SEARCH_DEFAULT_PAGE_SIZE),
});

export type SearchTicketsBody = z.output<typeof searchTicketsBodySchema>;
export type SearchTicketsQuery = z.output<typeof searchTicketsQuerySchema>;

export const searchTicketsResponseSchema = envelopeSchema(z.array(supportRecordSchema));
