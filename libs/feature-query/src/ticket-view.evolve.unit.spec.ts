import { describe, expect, it } from 'vitest';
import { ERASED, type TicketEvent } from '@support-desk/contracts';
import type { TicketView } from '@support-desk/read-model';
import { foldTicket, toSupportRecord, type FileLinks } from '@support-desk/ticket-domain';
import { evolveTicketView, foldTicketView } from './ticket-view.evolve';
import { supportRecordFromView } from './ticket-view.support-record';

/** given(events).when(event).then(view): the view's fold, no I/O. */
const given = (events: TicketEvent[]) => ({
  when: (event: TicketEvent) => ({
    then: (expected: TicketView | null) => expect(evolveTicketView(foldTicketView(events), event)).toEqual(expected),
  }),
});

const recordId = 'r-1';
const ticketId = 't-1';
const fields = {
  recordId,
  ticketId,
  uuid: 'u-1',
  udid: 'd-1',
  subject: 'Crash',
  message: 'On start',
  email: 'a@example.com',
  name: null,
  category: 'bug',
  phone: '+44 20 7946 0000',
  images: ['x.png'],
  requestedAt: 100,
};
const requested: TicketEvent = { type: 'TicketRequested', data: fields };
const opened: TicketView = {
  schemaVersion: 1,
  ...fields,
  files: { LOG: false, FEEDBACK_PHOTO: false },
  ticketStatus: 'CREATED',
  sync: { status: 'PENDING' },
};
const uploaded = (fileType: 'LOG' | 'FEEDBACK_PHOTO', blobKey = `${fileType}/k`): TicketEvent => ({
  type: 'SupportFileUploaded',
  data: { recordId, ticketId, fileType, blobKey, fileName: 'f', contentType: 'text/plain', size: 3, uploadedAt: 200 },
});
const synced: TicketEvent = { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: '9', syncedAt: 300 } };
const failed: TicketEvent = { type: 'TicketSyncFailed', data: { recordId, ticketId, reason: '503', attempts: 5, failedAt: 400 } };
const fileSynced: TicketEvent = {
  type: 'SupportFileSynced',
  data: { recordId, ticketId, blobKey: 'LOG/k', zendeskTicketId: '9', mode: 'LINK', syncedAt: 500 },
};
const statusChanged = (status: string): TicketEvent => ({
  type: 'TicketStatusChanged',
  data: { recordId, ticketId, status, zendeskTicketId: '9', changedAt: 600 },
});

describe('ticket view evolve', () => {
  it('opens the view on TicketRequested, at the current shape version', () => {
    given([]).when(requested).then(opened);
  });

  it('shows nothing for an event before its ticket', () => {
    given([]).when(synced).then(null);
    given([]).when(uploaded('LOG')).then(null);
  });

  it('knows which files a ticket has, not where they are', () => {
    given([requested])
      .when(uploaded('LOG'))
      .then({ ...opened, files: { LOG: true, FEEDBACK_PHOTO: false } });
    given([requested, uploaded('LOG')])
      .when(uploaded('FEEDBACK_PHOTO'))
      .then({ ...opened, files: { LOG: true, FEEDBACK_PHOTO: true } });
  });

  it('keeps the sync state; a late failure never undoes a sync', () => {
    given([requested])
      .when(synced)
      .then({ ...opened, sync: { status: 'SYNCED', zendeskTicketId: '9' } });
    given([requested])
      .when(failed)
      .then({ ...opened, sync: { status: 'FAILED', reason: '503' } });
    given([requested, synced])
      .when(failed)
      .then({ ...opened, sync: { status: 'SYNCED', zendeskTicketId: '9' } });
    given([requested, failed])
      .when(synced)
      .then({ ...opened, sync: { status: 'SYNCED', zendeskTicketId: '9' } });
  });

  it("shows Zendesk's latest status, and nothing of Zendesk's copies of files", () => {
    given([requested, synced])
      .when(statusChanged('OPEN'))
      .then({ ...opened, sync: { status: 'SYNCED', zendeskTicketId: '9' }, ticketStatus: 'OPEN' });
    given([requested, synced, statusChanged('OPEN')])
      .when(statusChanged('SOLVED'))
      .then({ ...opened, sync: { status: 'SYNCED', zendeskTicketId: '9' }, ticketStatus: 'SOLVED' });
    given([requested, uploaded('LOG')])
      .when(fileSynced)
      .then({ ...opened, files: { LOG: true, FEEDBACK_PHOTO: false } });
  });
});

describe('support record from the view', () => {
  const links: FileLinks = {
    supportFileUrl: (t, type) => `https://desk.example/api/aws/download/support/file/${t}/${type}`,
    imageUrl: (name) => `https://desk.example/api/admin/images/${name}`,
  };
  const histories: [string, TicketEvent[]][] = [
    ['a new ticket', [requested]],
    ['with a log and a photo', [requested, uploaded('LOG'), uploaded('FEEDBACK_PHOTO'), uploaded('LOG', 'LOG/k2')]],
    ['synced, with a status and a file in Zendesk', [requested, uploaded('LOG'), synced, fileSynced, statusChanged('OPEN')]],
    ['failed to sync', [requested, failed]],
    ['failed, then synced, then a late failure', [requested, failed, synced, failed]],
  ];

  it.each(histories)('is the record the writers answer: %s', (_label, events) => {
    const ticket = foldTicket(events);
    if (ticket.status !== 'open') throw new Error('history without a ticket');
    expect(supportRecordFromView(foldTicketView(events)!, links)).toEqual(toSupportRecord(ticket, links));
  });
});

describe('a shredded ticket (its subject erased: personal fields read as ERASED)', () => {
  const shredded: TicketEvent = {
    type: 'TicketRequested',
    data: { ...fields, udid: ERASED, subject: ERASED, message: ERASED, email: ERASED, name: null, phone: ERASED, images: [] },
  };
  const erasedView: TicketView = { ...opened, uuid: ERASED, udid: ERASED, subject: ERASED, message: ERASED, email: ERASED, phone: ERASED, images: [] };

  it('folds into a view whose uuid is ERASED too, ids and dates kept', () => {
    given([]).when(shredded).then(erasedView);
  });

  it('stays erased through later events', () => {
    given([shredded, uploaded('LOG')])
      .when(synced)
      .then({ ...erasedView, files: { LOG: true, FEEDBACK_PHOTO: false }, sync: { status: 'SYNCED', zendeskTicketId: '9' } });
  });
});
