import { z } from 'zod';
import { envelopeSchema } from './envelope';
import { CONTROL_CHARS } from './fields';
import { supportRecordSchema } from './support-record.schema';

/** Absent, null and "" (or blanks) all mean "not given"; otherwise trimmed. */
const searchText = (max: number) =>
  z
    .string({ message: 'must be a string' })
    .max(max, { message: `must be at most ${max} characters` })
    // No stored value has control characters, and some storage engines refuse NUL outright.
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' })
    .nullish()
    .transform((v) => (v == null || v.trim() === '' ? undefined : v.trim()));

/** Search filter values are plain strings: an object such as {"$ne": ""} is refused with 400. */
const filterValue = searchText(254);

export const SYNC_STATUS_VALUES = ['PENDING', 'SYNCED', 'FAILED'] as const;

/** Any case; "" or null: not given. */
const syncStatusValue = z
  .string({ message: `must be one of ${SYNC_STATUS_VALUES.join(', ')}` })
  .nullish()
  .transform((v) => (v == null || v.trim() === '' ? undefined : v.trim().toUpperCase()))
  .pipe(z.enum(SYNC_STATUS_VALUES, { message: `must be one of ${SYNC_STATUS_VALUES.join(', ')}` }).optional());

// YYYY-MM-DD, optionally THH:mm[:ss[.fraction]] and a zone (Z or ±HH:mm); no zone means UTC.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date or date-time as epoch ms, or undefined when it is not a real one (2024-02-30, 25:00). */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((p) => (p === undefined ? undefined : Number(p))) as number[];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month! < 1 || month! > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis);
  if (new Date(utc).getUTCDate() !== day) return undefined; // 2024-02-30 rolled over
  const zone = m[8]?.toUpperCase();
  if (!zone || zone === 'Z') return utc;
  const [, sign, zh, zm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  if (Number(zh) > 23 || Number(zm) > 59) return undefined;
  return utc - (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
}

const dateValue = z
  .string({ message: 'must be an ISO 8601 date or date-time string' })
  .max(40, { message: 'must be an ISO 8601 date or date-time (at most 40 characters)' })
  .nullish()
  .transform((v, ctx) => {
    if (v == null || v.trim() === '') return undefined;
    const ms = parseIsoDate(v.trim());
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date (2024-05-01) or date-time (2024-05-01T10:00:00Z; no zone means UTC)' });
      return z.NEVER;
    }
    return ms;
  });

export const SEARCH_DEFAULT_PAGE_SIZE = 20;
export const SEARCH_MAX_PAGE_SIZE = 100;
export const SEARCH_MAX_TEXT = 200;

/**
 * The seed's six fields and the admin console's filters, all combined with AND.
 * Dates come out as epoch ms: createdFrom inclusive, createdTo exclusive.
 */
export const searchTicketsBodySchema = z
  .object({
    uuid: filterValue,
    udid: filterValue,
    email: filterValue,
    phone: filterValue,
    ticketId: filterValue,
    zendeskTicketId: filterValue,
    q: searchText(SEARCH_MAX_TEXT).meta({
      description: 'Free text: every word must be a word of the subject or the message (any case or accent; whole words).',
    }),
    ticketStatus: searchText(64).meta({ description: "Zendesk's status as the record shows it (CREATED until Zendesk reports one); any case." }),
    syncStatus: syncStatusValue.meta({ description: "PENDING, SYNCED or FAILED (the record's sync.status); any case." }),
    category: searchText(100).meta({ description: 'Any case.' }),
    createdFrom: dateValue.meta({ description: 'Created at or after: ISO 8601 date or date-time (no zone: UTC).' }),
    createdTo: dateValue.meta({ description: 'Created before (exclusive): ISO 8601 date or date-time (no zone: UTC).' }),
  })
  .superRefine((body, ctx) => {
    if (body.createdFrom !== undefined && body.createdTo !== undefined && body.createdFrom > body.createdTo) {
      ctx.addIssue({ code: 'custom', path: ['createdTo'], message: 'must not be before createdFrom' });
    }
  })
  .meta({ id: 'SearchTicketsRequest' });

/**
 * Paging is in the query string so the body stays a filter: `page` (1-based)
 * or `cursor` (the X-Next-Cursor of the page before), not both.
 */
export const searchTicketsQuerySchema = z
  .object({
    page: z.coerce.number({ message: 'page must be a number' }).int().min(1).max(10_000).optional(),
    pageSize: z.coerce
      .number({ message: 'pageSize must be a number' })
      .int()
      .min(1)
      .max(SEARCH_MAX_PAGE_SIZE, { message: `pageSize must be at most ${SEARCH_MAX_PAGE_SIZE}` })
      .default(SEARCH_DEFAULT_PAGE_SIZE),
    cursor: z
      .string()
      .min(1)
      .max(512, { message: 'cursor is not one this API gave out' })
      .regex(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not one this API gave out' })
      .optional(),
  })
  .superRefine((query, ctx) => {
    if (query.page !== undefined && query.cursor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'page and cursor cannot be combined: follow X-Next-Cursor, or ask for a page number' });
    }
  });

export type SearchTicketsBody = z.output<typeof searchTicketsBodySchema>;
export type SearchTicketsQuery = z.output<typeof searchTicketsQuerySchema>;

export const searchTicketsResponseSchema = envelopeSchema(z.array(supportRecordSchema));
