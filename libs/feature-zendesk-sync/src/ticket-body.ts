import type { SupportFileType } from '@support-desk/contracts';
import type { FileLinks, OpenTicket } from '@support-desk/ticket-domain';
import type { NewZendeskTicket } from './zendesk-client';

/** Everything we put into HTML is the user's text: escaped, always. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const paragraph = (text: string) => `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;

/** Zendesk splits tags on spaces and lower-cases them: make the category one safe tag. */
export function categoryTag(category: string): string {
  const tag = category
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_\-:/]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return tag === '' ? 'uncategorized' : tag.slice(0, 80);
}

/** The Zendesk ticket for one of ours: external_id = our ticketId, the category as a tag. */
export function zendeskTicketFor(ticket: OpenTicket, links: FileLinks): NewZendeskTicket {
  return {
    subject: ticket.subject,
    comment: { html_body: ticketHtml(ticket, links) },
    requester: { name: ticket.name ?? ticket.email.split('@')[0]!, email: ticket.email },
    external_id: ticket.ticketId,
    tags: [categoryTag(ticket.category)],
  };
}

function ticketHtml(ticket: OpenTicket, links: FileLinks): string {
  const facts: [string, string | null][] = [
    ['Category', ticket.category],
    ['Phone', ticket.phone],
    ['Device UDID', ticket.udid],
    ['User UUID', ticket.uuid],
    ['Support ticket id', ticket.ticketId],
  ];
  const parts = [
    paragraph(ticket.message),
    `<ul>${facts
      .filter((f): f is [string, string] => f[1] !== null)
      .map(([label, value]) => `<li><strong>${label}:</strong> ${escapeHtml(value)}</li>`)
      .join('')}</ul>`,
  ];
  if (ticket.images.length > 0) {
    parts.push(
      '<p><strong>Images</strong> (Support Desk admin token needed):</p>',
      `<ul>${ticket.images.map((name) => `<li>${link(links.imageUrl(name), name)}</li>`).join('')}</ul>`,
    );
  }
  return parts.join('\n');
}

export type FileForZendesk = { fileType: SupportFileType; fileName: string; contentType: string; size: number; blobKey: string };

/** The private comment for an uploaded file; `refusal` says why it is a link only. */
export function fileCommentHtml(file: FileForZendesk, href: string, refusal?: string): string {
  const what = file.fileType === 'LOG' ? 'Log file' : 'Feedback photo';
  const lines = [
    `<p>${what} from the app: ${link(href, file.fileName)} (${escapeHtml(file.contentType)}, ${formatSize(file.size)}; Support Desk admin token needed).</p>`,
  ];
  if (refusal) lines.push(paragraph(`Not attached in Zendesk: ${refusal}. Use the link.`));
  return lines.join('\n');
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
