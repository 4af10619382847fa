import { describe, expect, it } from 'vitest';
import { sampleView } from './testing';
import { readStoredView } from './ticket-view';

const v0 = {
  status: 'open',
  recordId: 'r-1',
  ticketId: 't-1',
  uuid: 'u-1',
  udid: 'd-1',
  subject: 'Crash',
  message: 'On start',
  email: 'a@example.com',
  name: null,
  category: 'bug',
  phone: null,
  images: ['x.png'],
  requestedAt: 100,
  files: { FEEDBACK_PHOTO: { blobKey: 'photos/k', fileName: 'p.png', contentType: 'image/png', size: 9, uploadedAt: 200 } },
  sync: { status: 'FAILED', reason: 'Zendesk said 503', attempts: 5, failedAt: 300 },
};

describe('readStoredView', () => {
  it('returns a current view as stored', () => {
    const view = sampleView();
    expect(readStoredView(JSON.parse(JSON.stringify(view)))).toEqual(view);
  });

  it('reads a v0 document (the write side ticket, before webhooks: no zendeskStatus) as the current view', () => {
    expect(readStoredView(v0)).toEqual({
      schemaVersion: 1,
      recordId: 'r-1',
      ticketId: 't-1',
      uuid: 'u-1',
      udid: 'd-1',
      subject: 'Crash',
      message: 'On start',
      email: 'a@example.com',
      name: null,
      category: 'bug',
      phone: null,
      images: ['x.png'],
      requestedAt: 100,
      files: { LOG: false, FEEDBACK_PHOTO: true },
      ticketStatus: 'CREATED',
      sync: { status: 'FAILED', reason: 'Zendesk said 503' },
    });
    expect(readStoredView({ ...v0, sync: { status: 'PENDING' }, zendeskStatus: { status: 'OPEN', changedAt: 1 } })).toMatchObject({
      sync: { status: 'PENDING' },
      ticketStatus: 'OPEN',
    });
  });

  it('refuses a shape it does not know (a newer build wrote it) rather than misread it', () => {
    expect(() => readStoredView({ ...sampleView({ recordId: 'r-9' }), schemaVersion: 2 })).toThrow(/r-9 has schema version 2; this build reads version 1/);
    expect(() => readStoredView(null)).toThrow(/schema version undefined/);
  });
});
