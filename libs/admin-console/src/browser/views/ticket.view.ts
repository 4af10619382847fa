import type { SupportRecord, TicketHistoryEvent } from '@support-desk/contracts';
import { ApiError } from '../api';
import { h, replaceChildren, type Child } from '../dom';
import { formatBytes, formatTime, latestUpload, zendeskTicketUrl } from '../format';
import { CONSOLE_ROOT } from '../routes';
import { historyTimeline } from './history.view';
import { syncBadge } from './search.view';
import { enterPage, type ViewContext } from './view-context';

type Loaded<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A ticket: every field of its record, its files, its Zendesk sync (with a retry), and its history. */
export function renderTicket(ctx: ViewContext, ticketId: string): void {
  const heading = h('h1', null, 'Ticket');
  const status = h('p', { role: 'status' }, 'Loading ticket…');
  replaceChildren(ctx.main, backLink(ctx), heading, status);
  enterPage(heading, 'Ticket');
  void load(ctx, ticketId, heading, status);
}

async function load(ctx: ViewContext, ticketId: string, heading: HTMLElement, status: HTMLElement): Promise<void> {
  const [record, history] = await Promise.all([settle(ctx.api.ticket(ticketId, ctx.signal)), settle(ctx.api.history(ticketId, ctx.signal))]);
  if (ctx.signal.aborted) return;
  if (!record.ok) {
    if (record.error instanceof ApiError && record.error.isAuthFailure) return;
    const notFound = record.error instanceof ApiError && (record.error.status === 404 || record.error.status === 400);
    heading.textContent = notFound ? 'Ticket not found' : 'Ticket';
    status.removeAttribute('role');
    replaceChildren(
      status,
      h('span', { role: 'alert' }, notFound ? `No ticket has the id ${ticketId}. ` : `The ticket could not be loaded: ${messageOf(record.error)} `),
      notFound ? h('a', { href: CONSOLE_ROOT }, 'Search tickets') : h('button', { type: 'button', onclick: () => renderTicket(ctx, ticketId) }, 'Try again'),
    );
    document.title = 'Ticket not found · Support Desk admin';
    return;
  }
  showTicket(ctx, record.value, history, heading);
  status.remove();
}

function showTicket(ctx: ViewContext, record: SupportRecord, history: Loaded<TicketHistoryEvent[]>, heading: HTMLElement): void {
  heading.textContent = record.ticketInfo.subject;
  document.title = `${record.ticketInfo.subject} · Support Desk admin`;
  const events = history.ok ? history.value : [];
  const body = h(
    'div',
    { class: 'ticket' },
    h(
      'p',
      { class: 'subtitle' },
      'Created ',
      h('time', { datetime: new Date(record.creationDate).toISOString() }, formatTime(record.creationDate)),
      ' · sync ',
      syncBadge(record.sync.status),
      ' · status ',
      h('span', { class: 'badge' }, record.ticketInfo.ticketStatus),
    ),
    h(
      'div',
      { class: 'detail-grid' },
      section('ids', 'Ids', idsList(ctx, record)),
      section('zendesk', 'Zendesk', zendeskPanel(ctx, record)),
      section('request', 'Request', requestFields(record)),
      section('files', 'Files', filesPanel(ctx, record, events)),
    ),
    section(
      'history',
      'History',
      history.ok
        ? historyTimeline(history.value)
        : h(
            'div',
            { class: 'error-box', role: 'alert' },
            h('p', null, `The history could not be loaded: ${messageOf(history.error)}`),
            h('button', { type: 'button', onclick: () => renderTicket(ctx, record.ticketId) }, 'Try again'),
          ),
    ),
  );
  heading.after(body);
}

function section(id: string, title: string, ...content: Child[]): HTMLElement {
  return h('section', { class: `card ${id}`, 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...content);
}

function fieldList(rows: [string, Child, Child?][]): HTMLElement {
  return h(
    'dl',
    { class: 'fields' },
    rows.map(([label, value, extra]) => h('div', null, h('dt', null, label), h('dd', null, value, extra ?? null))),
  );
}

function idsList(ctx: ViewContext, r: SupportRecord): HTMLElement {
  const id = (label: string, value: string | null, copyName: string): [string, Child, Child?] =>
    value ? [label, h('code', null, value), copyButton(ctx, copyName, value)] : [label, 'not synced yet'];
  return fieldList([
    id('Ticket ID', r.ticketId, 'ticket ID'),
    id('Record ID (feedbackId)', r.id, 'record ID'),
    id('Zendesk ticket ID', r.ticketInfo.supportTicketId, 'Zendesk ticket ID'),
    id('User UUID', r.user.id, 'user UUID'),
    id('Device UDID', r.device.udid, 'device UDID'),
  ]);
}

function copyButton(ctx: ViewContext, name: string, value: string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'copy',
      onclick: () => {
        copyText(value).then(
          () => ctx.announce(`${capitalize(name)} copied.`),
          () => ctx.announce(`Could not copy the ${name}; select it and copy by hand.`),
        );
      },
    },
    `Copy ${name}`,
  );
}

/** The Clipboard API where the page is a secure context (https, localhost); else the older copy command. */
async function copyText(value: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
  const area = h('textarea', { readonly: true, class: 'visually-hidden', 'aria-hidden': 'true' });
  area.value = value;
  document.body.append(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  if (!done) throw new Error('copy refused');
}

function zendeskPanel(ctx: ViewContext, r: SupportRecord): HTMLElement {
  const outcome = h('p', { class: 'sync-outcome', role: 'status' });
  const panel = h(
    'div',
    null,
    fieldList([['Sync status', syncBadge(r.sync.status)], ...(r.sync.reason ? ([['Reason', r.sync.reason]] as [string, Child][]) : [])]),
  );
  const actions = h('div', { class: 'actions' });
  if (r.sync.status === 'FAILED') actions.append(retryButton(ctx, r, outcome));
  if (r.ticketInfo.supportTicketId) {
    const zendeskId = r.ticketInfo.supportTicketId;
    const link = h('span', { class: 'hint' }, 'Loading the Zendesk link…');
    actions.append(link);
    ctx.config().then(
      ({ zendeskUrl }) => {
        link.replaceWith(
          zendeskUrl
            ? h('a', { class: 'button', href: zendeskTicketUrl(zendeskUrl, zendeskId), target: '_blank', rel: 'noopener noreferrer' }, 'Open in Zendesk')
            : h('span', { class: 'hint' }, 'Zendesk is not configured on this server, so there is no link.'),
        );
      },
      () => link.replaceWith(h('span', { class: 'hint' }, 'The Zendesk link could not be loaded.')),
    );
  }
  if (actions.childElementCount > 0) panel.append(actions);
  panel.append(outcome);
  return panel;
}

function retryButton(ctx: ViewContext, r: SupportRecord, outcome: HTMLElement): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Retry sync');
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Retrying sync…';
    outcome.textContent = '';
    ctx.api.retrySync(r.ticketId).then(
      ({ message }) => {
        if (ctx.signal.aborted) return;
        ctx.announce(message);
        // The record and the history both changed: show them again, fresh.
        renderTicket(ctx, r.ticketId);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.isAuthFailure) return;
        button.disabled = false;
        button.textContent = 'Retry sync';
        outcome.setAttribute('role', 'alert');
        outcome.textContent = `Retry failed: ${messageOf(error)}`;
      },
    );
  });
  return button;
}

function requestFields(r: SupportRecord): HTMLElement {
  return h(
    'div',
    null,
    fieldList([
      ['Created', formatTime(r.creationDate)],
      ['Name', r.name ?? '—'],
      ['Email', r.email],
      ['Phone', r.phone ?? '—'],
      ['Category', r.category],
      ['Ticket status', r.ticketInfo.ticketStatus],
    ]),
    h('h3', null, 'Message'),
    h('p', { class: 'message' }, r.ticketInfo.message),
  );
}

function filesPanel(ctx: ViewContext, r: SupportRecord, events: readonly TicketHistoryEvent[]): HTMLElement {
  const log = latestUpload(events, 'LOG');
  const photo = latestUpload(events, 'FEEDBACK_PHOTO');
  const fileUrl = (type: 'LOG' | 'FEEDBACK_PHOTO') => `/api/aws/download/support/file/${encodeURIComponent(r.ticketId)}/${type}`;
  return h(
    'div',
    null,
    h('h3', null, 'Log'),
    r.logPath ? logDownload(ctx, fileUrl('LOG'), log?.fileName ?? `${r.ticketId}.log`, log?.size ?? null) : h('p', { class: 'empty' }, 'No log uploaded.'),
    h('h3', null, 'Feedback photo'),
    r.feedbackPhoto
      ? preview(ctx, fileUrl('FEEDBACK_PHOTO'), 'Feedback photo', photo?.fileName ?? 'Feedback photo')
      : h('p', { class: 'empty' }, 'No feedback photo.'),
    h('h3', null, 'Images'),
    r.ticketInfo.images.length > 0
      ? h(
          'ul',
          { class: 'images' },
          r.ticketInfo.images.map((name) => h('li', null, preview(ctx, `/api/admin/images/${encodeURIComponent(name)}`, `Image ${name}`, name))),
        )
      : h('p', { class: 'empty' }, 'No images.'),
  );
}

function logDownload(ctx: ViewContext, url: string, fileName: string, size: number | null): HTMLElement {
  const label = size === null ? 'Download log' : `Download log (${formatBytes(size)})`;
  const button = h('button', { type: 'button', class: 'download' }, label);
  const note = h('span', { class: 'hint', role: 'status' });
  button.addEventListener('click', () => {
    button.disabled = true;
    note.textContent = 'Downloading…';
    ctx.api.download(url, ctx.signal).then(
      ({ blob, fileName: served }) => {
        const a = h('a', { href: ctx.objectUrl(blob), download: served ?? fileName, class: 'visually-hidden' });
        document.body.append(a);
        a.click();
        a.remove();
        button.disabled = false;
        note.textContent = `Saved as ${served ?? fileName}.`;
      },
      (error: unknown) => {
        button.disabled = false;
        note.textContent = `Download failed: ${messageOf(error)}`;
      },
    );
  });
  return h('p', { class: 'file' }, h('span', { class: 'file-name' }, fileName), ' ', button, ' ', note);
}

/** An image behind an admin route, fetched with the token and shown from a blob: URL. */
function preview(ctx: ViewContext, url: string, alt: string, caption: string): HTMLElement {
  const img = h('img', { alt, loading: 'lazy', decoding: 'async' });
  const figure = h('figure', { class: 'preview', 'aria-busy': 'true' }, img, h('figcaption', null, caption));
  const unavailable = (why: string) => {
    figure.removeAttribute('aria-busy');
    img.replaceWith(h('span', { class: 'no-preview' }, why));
  };
  img.addEventListener('load', () => figure.removeAttribute('aria-busy'));
  // HEIC and other formats the browser cannot draw: say so instead of a broken image.
  img.addEventListener('error', () => unavailable('No preview: this browser cannot show the format.'));
  ctx.api.download(url, ctx.signal).then(
    ({ blob }) => {
      img.src = ctx.objectUrl(blob);
    },
    (error: unknown) => {
      if (!ctx.signal.aborted) unavailable(`No preview: ${messageOf(error)}`);
    },
  );
  return figure;
}

function backLink(ctx: ViewContext): HTMLElement {
  const link = h('a', { href: CONSOLE_ROOT }, '← Back to results');
  // Back to the very search (and page) the admin came from, when they came from one.
  if (ctx.state?.fromResults) {
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      history.back();
    });
  }
  return h('p', { class: 'back' }, link);
}

async function settle<T>(promise: Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
