import type { SupportRecord } from '@support-desk/contracts';
import { ApiError } from '../api';
import { h, replaceChildren, type Child } from '../dom';
import { formatTime } from '../format';
import { searchUrl, ticketUrl } from '../routes';
import {
  PAGE_SIZES,
  SYNC_STATUSES,
  TICKET_STATUSES,
  emptyForm,
  hasCriteria,
  isDay,
  searchRequestBody,
  type SearchField,
  type SearchForm,
  type SearchState,
} from '../search-query';
import { enterPage, type ViewContext } from './view-context';

type TextInput = { field: SearchField; label: string; type?: string; inputmode?: string; autocomplete?: string };

/** The six fields of the seed's search, each its own labelled input. */
const SEED_INPUTS: TextInput[] = [
  { field: 'uuid', label: 'User UUID' },
  { field: 'udid', label: 'Device UDID' },
  { field: 'email', label: 'Email', type: 'email', autocomplete: 'off' },
  { field: 'phone', label: 'Phone', type: 'tel', autocomplete: 'off' },
  { field: 'ticketId', label: 'Ticket ID' },
  { field: 'zendeskTicketId', label: 'Zendesk ticket ID', inputmode: 'numeric' },
];

const COLUMNS = ['Created', 'Subject', 'Email', 'Ticket ID', 'Zendesk ID', 'Sync status', 'Files'] as const;

/** The search page: the form (its state is the URL's), then the results, newest first, a page at a time. */
export function renderSearch(ctx: ViewContext, search: SearchState): void {
  const heading = h('h1', null, 'Tickets');
  const form = searchForm(ctx, search);
  const results = h('section', { class: 'results', 'aria-labelledby': 'results-title' });
  replaceChildren(ctx.main, heading, form, results);
  enterPage(heading, 'Tickets');
  void loadResults(ctx, search, results);
}

function searchForm(ctx: ViewContext, search: SearchState): HTMLFormElement {
  const input = (spec: TextInput) =>
    field(
      spec.field,
      spec.label,
      h('input', {
        id: `search-${spec.field}`,
        name: spec.field,
        type: spec.type ?? 'text',
        inputmode: spec.inputmode,
        autocomplete: spec.autocomplete ?? 'off',
        spellcheck: 'false',
        value: search.form[spec.field],
      }),
    );
  const select = (name: SearchField | 'pageSize', label: string, options: readonly (string | number)[], value: string, anyLabel: string | null) =>
    field(
      name,
      label,
      h(
        'select',
        { id: `search-${name}`, name },
        anyLabel === null ? null : h('option', { value: '' }, anyLabel),
        options.map((o) => h('option', { value: String(o), selected: String(o) === value }, String(o))),
      ),
    );
  const day = (name: 'createdFrom' | 'createdTo', label: string) =>
    field(name, label, h('input', { id: `search-${name}`, name, type: 'date', value: search.form[name], 'aria-describedby': 'search-days-hint' }));

  const form = h(
    'form',
    { class: 'search', role: 'search', 'aria-label': 'Search tickets', novalidate: true },
    h('fieldset', null, h('legend', null, 'Find by'), h('div', { class: 'field-grid' }, SEED_INPUTS.map(input))),
    h(
      'fieldset',
      null,
      h('legend', null, 'Narrow down'),
      h(
        'div',
        { class: 'field-grid' },
        field('q', 'Text in subject or message', h('input', { id: 'search-q', name: 'q', type: 'search', autocomplete: 'off', value: search.form.q })),
        select('ticketStatus', 'Ticket status', TICKET_STATUSES, search.form.ticketStatus, 'Any status'),
        select('syncStatus', 'Sync status', SYNC_STATUSES, search.form.syncStatus, 'Any sync status'),
        input({ field: 'category', label: 'Category' }),
        day('createdFrom', 'Created from'),
        day('createdTo', 'Created to'),
        select('pageSize', 'Results per page', PAGE_SIZES, String(search.pageSize), null),
      ),
      h('p', { id: 'search-days-hint', class: 'hint' }, 'Days in UTC; both days included.'),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h(
        'button',
        { type: 'button', onclick: () => ctx.navigate(searchUrl({ form: emptyForm(), pageSize: search.pageSize, cursor: null }), { state: { page: 1 } }) },
        'Clear',
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = emptyForm();
    for (const key of Object.keys(next) as SearchField[]) next[key] = String(data.get(key) ?? '').trim();
    ctx.navigate(searchUrl({ form: next, pageSize: Number(data.get('pageSize')) || search.pageSize, cursor: null }), { state: { page: 1 } });
  });
  return form;
}

function field(name: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: `search-${name}` }, label), control);
}

async function loadResults(ctx: ViewContext, search: SearchState, section: HTMLElement): Promise<void> {
  const status = h('p', { class: 'results-status', role: 'status' }, 'Loading tickets…');
  const title = h('h2', { id: 'results-title' }, 'Results');
  section.setAttribute('aria-busy', 'true');
  replaceChildren(section, title, status);
  const invalid = invalidDays(search.form);
  if (invalid) {
    section.removeAttribute('aria-busy');
    replaceChildren(section, title, h('p', { class: 'error', role: 'alert' }, invalid));
    return;
  }
  try {
    const page = await ctx.api.search(searchRequestBody(search.form), { pageSize: search.pageSize, cursor: search.cursor ?? undefined }, ctx.signal);
    if (ctx.signal.aborted) return;
    section.removeAttribute('aria-busy');
    const pageNumber = search.cursor ? ctx.state?.page : 1;
    if (page.records.length === 0) {
      status.textContent = search.cursor ? 'No more tickets.' : hasCriteria(search.form) ? 'No tickets match this search.' : 'No tickets yet.';
      replaceChildren(section, title, status, pager(ctx, search, pageNumber, null));
      return;
    }
    status.textContent = resultsSummary(page.records.length, page.total, pageNumber);
    replaceChildren(section, title, status, resultsTable(ctx, page.records), pager(ctx, search, pageNumber, page.nextCursor));
  } catch (error) {
    if (ctx.signal.aborted || (error instanceof ApiError && error.isAuthFailure)) return;
    section.removeAttribute('aria-busy');
    replaceChildren(
      section,
      title,
      h(
        'div',
        { class: 'error-box', role: 'alert' },
        h('p', null, `Search failed: ${error instanceof Error ? error.message : String(error)}`),
        h('button', { type: 'button', onclick: () => void loadResults(ctx, search, section) }, 'Try again'),
      ),
    );
  }
}

function invalidDays(form: SearchForm): string | null {
  if (form.createdFrom && !isDay(form.createdFrom)) return '"Created from" is not a date.';
  if (form.createdTo && !isDay(form.createdTo)) return '"Created to" is not a date.';
  if (form.createdFrom && form.createdTo && form.createdFrom > form.createdTo) return '"Created from" is after "Created to": no ticket can match.';
  return null;
}

function resultsSummary(shown: number, total: number | null, page: number | undefined): string {
  const tickets = (n: number) => `${n} ${n === 1 ? 'ticket' : 'tickets'}`;
  const where = page ? `page ${page}` : 'a later page';
  if (total !== null) return `${tickets(total)}, newest first; ${where} shows ${shown}.`;
  return `${tickets(shown)} on ${where}, newest first.`;
}

function resultsTable(ctx: ViewContext, records: SupportRecord[]): HTMLElement {
  // Explicit roles: on narrow screens the rows are laid out as cards (CSS), which drops a table's implicit roles.
  const table = h(
    'table',
    { class: 'tickets', role: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Tickets, newest first. Open one by its subject.'),
    h(
      'thead',
      { role: 'rowgroup' },
      h(
        'tr',
        { role: 'row' },
        COLUMNS.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)),
      ),
    ),
    h(
      'tbody',
      { role: 'rowgroup' },
      records.map((r) => resultRow(ctx, r)),
    ),
  );
  return h('div', { class: 'table-wrap' }, table);
}

function resultRow(ctx: ViewContext, r: SupportRecord): HTMLElement {
  const href = ticketUrl(r.ticketId);
  const cell = (label: (typeof COLUMNS)[number], ...content: Child[]) => h('td', { role: 'cell', 'data-label': label }, ...content);
  const row = h(
    'tr',
    { role: 'row' },
    cell('Created', h('time', { datetime: new Date(r.creationDate).toISOString() }, formatTime(r.creationDate))),
    cell('Subject', h('a', { href, class: 'subject-link', 'data-from-results': true }, r.ticketInfo.subject)),
    cell('Email', r.email),
    cell('Ticket ID', h('code', null, r.ticketId)),
    cell('Zendesk ID', r.ticketInfo.supportTicketId ?? '—'),
    cell('Sync status', syncBadge(r.sync.status)),
    cell('Files', filesOf(r)),
  );
  // The whole row opens the ticket for a mouse; keyboards use the subject link.
  row.addEventListener('click', (event) => {
    const target = event.target as Element;
    if (target.closest('a, button') || window.getSelection()?.toString()) return;
    ctx.navigate(href, { state: { fromResults: true } });
  });
  return row;
}

export function syncBadge(status: SupportRecord['sync']['status']): HTMLElement {
  return h('span', { class: `badge sync-${status.toLowerCase()}` }, status);
}

function filesOf(r: SupportRecord): string {
  const parts = [
    r.logPath ? 'log' : null,
    r.feedbackPhoto ? 'photo' : null,
    r.ticketInfo.images.length ? `${r.ticketInfo.images.length} image${r.ticketInfo.images.length === 1 ? '' : 's'}` : null,
  ];
  const given = parts.filter(Boolean);
  return given.length ? given.join(', ') : '—';
}

function pager(ctx: ViewContext, search: SearchState, page: number | undefined, nextCursor: string | null): HTMLElement | null {
  if (!search.cursor && !nextCursor) return null;
  const canGoBack = search.cursor !== null && page !== undefined && page > 1;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Result pages' },
    search.cursor
      ? h('button', { type: 'button', onclick: () => ctx.navigate(searchUrl({ ...search, cursor: null }), { state: { page: 1 } }) }, 'First page')
      : null,
    // Cursor paging goes forward only; the page before is the history entry before.
    canGoBack ? h('button', { type: 'button', onclick: () => history.back() }, 'Previous page') : null,
    nextCursor
      ? h(
          'button',
          { type: 'button', class: 'primary', onclick: () => ctx.navigate(searchUrl({ ...search, cursor: nextCursor }), { state: { page: (page ?? 1) + 1 } }) },
          'Next page',
        )
      : null,
  );
}
