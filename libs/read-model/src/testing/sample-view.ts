import { randomUUID } from 'node:crypto';
import type { TicketView } from '../ticket-view';

export function sampleView(overrides: Partial<TicketView> = {}): TicketView {
  return {
    schemaVersion: 1,
    recordId: randomUUID(),
    ticketId: randomUUID(),
    uuid: randomUUID(),
    udid: randomUUID().toUpperCase(),
    subject: 'App crashes',
    message: 'It crashes on start',
    email: `user-${randomUUID().slice(0, 8)}@example.com`,
    name: 'Ada',
    category: 'crash',
    phone: '+44 20 7946 0000',
    images: [],
    requestedAt: 1_700_000_000_000,
    files: { LOG: false, FEEDBACK_PHOTO: false },
    ticketStatus: 'CREATED',
    sync: { status: 'PENDING' },
    ...overrides,
  };
}
