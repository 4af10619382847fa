import type { TicketHistoryEvent } from '@support-desk/contracts';

/** Times in UTC, as the search's date filters are: what the table says matches what the filter does. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export type Change = { label: string; value: string };
export type EventSummary = { title: string; changes: Change[] };

const str = (v: unknown): string => (v == null || v === '' ? '—' : String(v));

/**
 * What an event changed, in words, from its data as recorded (emails and phones
 * unmasked, as in the record). `fileNames` (blob key → file name, from the
 * ticket's uploads) names the file a SupportFileSynced sent.
 */
export function summarizeEvent(event: Pick<TicketHistoryEvent, 'type' | 'data'>, fileNames: ReadonlyMap<string, string> = new Map()): EventSummary {
  const d = event.data;
  switch (event.type) {
    case 'TicketRequested':
      return {
        title: 'Ticket requested',
        changes: [
          { label: 'Subject', value: str(d.subject) },
          { label: 'Email', value: str(d.email) },
          { label: 'Phone', value: str(d.phone) },
          { label: 'Name', value: str(d.name) },
          { label: 'Category', value: str(d.category) },
          { label: 'User UUID', value: str(d.uuid) },
          { label: 'Device UDID', value: str(d.udid) },
          { label: 'Images', value: Array.isArray(d.images) && d.images.length > 0 ? d.images.join(', ') : 'none' },
        ],
      };
    case 'SupportFileUploaded':
      return {
        title: d.fileType === 'LOG' ? 'Log uploaded' : 'Feedback photo uploaded',
        changes: [
          { label: 'File', value: str(d.fileName) },
          { label: 'Type', value: str(d.contentType) },
          { label: 'Size', value: typeof d.size === 'number' ? formatBytes(d.size) : '—' },
        ],
      };
    case 'TicketSynced':
      return { title: 'Synced to Zendesk', changes: [{ label: 'Zendesk ticket', value: str(d.zendeskTicketId) }] };
    case 'TicketSyncFailed':
      return {
        title: 'Zendesk sync failed',
        changes: [
          { label: 'Reason', value: str(d.reason) },
          { label: 'Attempts', value: str(d.attempts) },
        ],
      };
    case 'SupportFileSynced':
      return {
        title: 'File sent to Zendesk',
        changes: [
          ...(typeof d.blobKey === 'string' && fileNames.has(d.blobKey) ? [{ label: 'File', value: fileNames.get(d.blobKey)! }] : []),
          { label: 'Zendesk ticket', value: str(d.zendeskTicketId) },
          { label: 'Sent as', value: d.mode === 'LINK' ? 'a link (Zendesk refused the file)' : 'an attachment' },
        ],
      };
    case 'TicketStatusChanged':
      return {
        title: 'Status changed in Zendesk',
        changes: [
          { label: 'Status', value: str(d.status) },
          { label: 'Changed in Zendesk at', value: typeof d.changedAt === 'number' ? formatTime(d.changedAt) : '—' },
        ],
      };
    case 'UserReplied':
      return {
        title: 'The user replied in the app',
        changes: [
          { label: 'Reply', value: str(d.body) },
          { label: 'Images', value: Array.isArray(d.images) && d.images.length > 0 ? d.images.join(', ') : 'none' },
        ],
      };
    case 'TicketCommentAdded':
      return {
        title: d.public === false ? 'Internal note in Zendesk' : d.authorRole === 'END_USER' ? 'User reply posted to Zendesk' : 'Agent replied in Zendesk',
        changes: [
          { label: 'Comment', value: str(d.body) },
          { label: 'Author role', value: str(d.authorRole) },
          { label: 'Zendesk comment', value: str(d.commentId) },
        ],
      };
    default:
      return { title: event.type, changes: [] };
  }
}

export type UploadedFile = { fileName: string; size: number; contentType: string };

/** Blob key → file name of every upload in the history. */
export function uploadedFileNames(events: readonly Pick<TicketHistoryEvent, 'type' | 'data'>[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const { type, data } of events) {
    if (type === 'SupportFileUploaded' && typeof data.blobKey === 'string') names.set(data.blobKey, str(data.fileName));
  }
  return names;
}

/** The latest upload of a file type (what the record's link serves), from the history. */
export function latestUpload(events: readonly Pick<TicketHistoryEvent, 'type' | 'data'>[], fileType: 'LOG' | 'FEEDBACK_PHOTO'): UploadedFile | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const { type, data } = events[i]!;
    if (type === 'SupportFileUploaded' && data.fileType === fileType) {
      return { fileName: str(data.fileName), size: Number(data.size), contentType: str(data.contentType) };
    }
  }
  return null;
}

/** The Zendesk agent's page of a ticket. */
export const zendeskTicketUrl = (zendeskUrl: string, zendeskTicketId: string): string =>
  `${zendeskUrl.replace(/\/+$/, '')}/agent/tickets/${encodeURIComponent(zendeskTicketId)}`;
