/**
 * A search as the form holds it, as the URL shows it (so it can be bookmarked and
 * shared) and as the search API takes it. Pure: no DOM.
 */
export const SEED_FIELDS = ['uuid', 'udid', 'email', 'phone', 'ticketId', 'zendeskTicketId'] as const;
export const FILTER_FIELDS = ['q', 'ticketStatus', 'syncStatus', 'category', 'createdFrom', 'createdTo'] as const;
export const SEARCH_FIELDS = [...SEED_FIELDS, ...FILTER_FIELDS] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Every field a string, '' meaning not given. createdFrom / createdTo are days (YYYY-MM-DD), both inclusive. */
export type SearchForm = Record<SearchField, string>;

export type SearchState = { form: SearchForm; pageSize: number; cursor: string | null };

export const SYNC_STATUSES = ['PENDING', 'SYNCED', 'FAILED'] as const;
/** CREATED until Zendesk reports on the ticket; then Zendesk's statuses, upper-cased. */
export const TICKET_STATUSES = ['CREATED', 'NEW', 'OPEN', 'PENDING', 'HOLD', 'SOLVED', 'CLOSED'] as const;
export const PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const emptyForm = (): SearchForm => Object.fromEntries(SEARCH_FIELDS.map((f) => [f, ''])) as SearchForm;

export function searchStateFromParams(params: URLSearchParams): SearchState {
  const form = emptyForm();
  for (const field of SEARCH_FIELDS) form[field] = (params.get(field) ?? '').trim();
  for (const day of ['createdFrom', 'createdTo'] as const) if (!isDay(form[day])) form[day] = '';
  const pageSize = Number(params.get('pageSize'));
  return {
    form,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
    cursor: params.get('cursor') || null,
  };
}

/** Only what is given, in a stable order: equal searches have equal URLs. */
export function paramsFromSearchState(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of SEARCH_FIELDS) {
    const value = state.form[field].trim();
    if (value) params.set(field, value);
  }
  if (state.pageSize !== DEFAULT_PAGE_SIZE) params.set('pageSize', String(state.pageSize));
  if (state.cursor) params.set('cursor', state.cursor);
  return params;
}

/**
 * The search API's body: the given seed fields and filters. The form's "Created to"
 * day is inclusive; the API's createdTo is exclusive, so it gets the next day. Days are UTC.
 */
export function searchRequestBody(form: SearchForm): Record<string, string> {
  const body: Record<string, string> = {};
  for (const field of SEARCH_FIELDS) {
    const value = form[field].trim();
    if (value) body[field] = value;
  }
  if (body.createdTo) body.createdTo = nextDay(body.createdTo);
  return body;
}

export const isDay = (value: string): boolean => DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** True when the search has any field or filter (the empty search lists the newest tickets). */
export const hasCriteria = (form: SearchForm): boolean => SEARCH_FIELDS.some((f) => form[f].trim() !== '');
