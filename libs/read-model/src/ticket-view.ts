import type { SupportFileType } from '@support-desk/contracts';
import { fromV0Document, isV0Document } from './ticket-view.v0';

/**
 * Version of the stored document's shape. A change of shape bumps it and keeps
 * a reader of the old shape (as ticket-view.v0.ts does), so documents written by
 * an older build are read, or found and rebuilt, never misread.
 */
export const TICKET_VIEW_SCHEMA_VERSION = 1;

/**
 * Admin search's own view of one ticket: what search filters and sorts on, and
 * what the support record answer shows; nothing the write side decides with.
 * Folded from ticket events by feature-query (ticket-view.evolve.ts). Defined
 * here, with the port that stores it, because the port may not import a feature
 * lib, and a private storage shape is no contract for other teams (contracts).
 */
export type TicketView = {
  schemaVersion: typeof TICKET_VIEW_SCHEMA_VERSION;
  recordId: string;
  ticketId: string;
  uuid: string;
  udid: string;
  subject: string;
  message: string;
  email: string;
  name: string | null;
  category: string;
  phone: string | null;
  images: string[];
  requestedAt: number;
  /** Which support files the ticket has; the record links to the latest of each. */
  files: Record<SupportFileType, boolean>;
  /** Zendesk's status of the ticket; the seed's CREATED until Zendesk reports one. */
  ticketStatus: string;
  sync: { status: 'PENDING' } | { status: 'SYNCED'; zendeskTicketId: string } | { status: 'FAILED'; reason: string };
};

/** A view and the stream revision it reflects: writes are guarded by that revision. */
export type StoredTicketView = { view: TicketView; revision: number };

/** A stored document as the current view, whatever build wrote it; one this build cannot read is an error, not a guess. */
export function readStoredView(doc: unknown): TicketView {
  const version = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === TICKET_VIEW_SCHEMA_VERSION) return doc as TicketView;
  if (isV0Document(doc)) return fromV0Document(doc);
  const recordId = (doc as { recordId?: unknown } | null)?.recordId;
  throw new Error(`Ticket view ${String(recordId)} has schema version ${String(version)}; this build reads version ${TICKET_VIEW_SCHEMA_VERSION}`);
}
