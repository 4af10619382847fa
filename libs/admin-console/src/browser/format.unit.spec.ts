import { describe, expect, it } from 'vitest';
import { formatBytes, formatTime, latestUpload, summarizeEvent, uploadedFileNames, zendeskTicketUrl } from './format';

describe('formatting', () => {
  it('shows times in UTC, to the second', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02 03:04:05 UTC');
    expect(formatTime(Number.NaN)).toBe('—');
  });

  it('shows sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200_000)).toBe('195 KiB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('links a Zendesk ticket on the configured account', () => {
    expect(zendeskTicketUrl('https://acme.zendesk.com/', '123')).toBe('https://acme.zendesk.com/agent/tickets/123');
  });
});

describe('what an event changed', () => {
  it('names each event type and its changes, PII as recorded', () => {
    const requested = summarizeEvent({
      type: 'TicketRequested',
      data: { subject: 'S', email: 'a@b.c', phone: '+1 555', name: null, category: 'c', uuid: 'u', udid: 'd', images: ['x.png'] },
    });
    expect(requested.title).toBe('Ticket requested');
    expect(requested.changes).toContainEqual({ label: 'Email', value: 'a@b.c' });
    expect(requested.changes).toContainEqual({ label: 'Phone', value: '+1 555' });
    expect(requested.changes).toContainEqual({ label: 'Name', value: '—' });
    expect(requested.changes).toContainEqual({ label: 'Images', value: 'x.png' });
    expect(summarizeEvent({ type: 'SupportFileUploaded', data: { fileType: 'LOG', fileName: 'device.log', contentType: 'text/plain', size: 2048 } })).toEqual({
      title: 'Log uploaded',
      changes: [
        { label: 'File', value: 'device.log' },
        { label: 'Type', value: 'text/plain' },
        { label: 'Size', value: '2.0 KiB' },
      ],
    });
    expect(summarizeEvent({ type: 'TicketSyncFailed', data: { reason: 'Zendesk answered 503', attempts: 3 } }).changes).toEqual([
      { label: 'Reason', value: 'Zendesk answered 503' },
      { label: 'Attempts', value: '3' },
    ]);
    expect(summarizeEvent({ type: 'TicketSynced', data: { zendeskTicketId: '1001' } })).toEqual({
      title: 'Synced to Zendesk',
      changes: [{ label: 'Zendesk ticket', value: '1001' }],
    });
    expect(summarizeEvent({ type: 'TicketStatusChanged', data: { status: 'SOLVED', changedAt: 0 } }).changes[0]).toEqual({ label: 'Status', value: 'SOLVED' });
    expect(summarizeEvent({ type: 'SupportFileSynced', data: { mode: 'LINK', zendeskTicketId: '7' } }).changes[1]!.value).toMatch(/link/);
    const names = uploadedFileNames([{ type: 'SupportFileUploaded', data: { blobKey: 'k1', fileName: 'device.log' } }]);
    expect(summarizeEvent({ type: 'SupportFileSynced', data: { blobKey: 'k1', mode: 'ATTACHMENT', zendeskTicketId: '7' } }, names).changes[0]).toEqual({
      label: 'File',
      value: 'device.log',
    });
    expect(summarizeEvent({ type: 'SomethingNew', data: {} })).toEqual({ title: 'SomethingNew', changes: [] });
  });

  it('finds the latest upload of a file type', () => {
    const events = [
      { type: 'SupportFileUploaded', data: { fileType: 'LOG', fileName: 'old.log', size: 1, contentType: 'text/plain' } },
      { type: 'SupportFileUploaded', data: { fileType: 'FEEDBACK_PHOTO', fileName: 'p.jpg', size: 9, contentType: 'image/jpeg' } },
      { type: 'SupportFileUploaded', data: { fileType: 'LOG', fileName: 'new.log', size: 2, contentType: 'text/plain' } },
    ];
    expect(latestUpload(events, 'LOG')).toEqual({ fileName: 'new.log', size: 2, contentType: 'text/plain' });
    expect(latestUpload(events.slice(0, 1), 'FEEDBACK_PHOTO')).toBeNull();
  });
});
