import { openSqliteDatabase, type SqliteDatabase } from '@support-desk/service-kit/sqlite';
import { normalizeFilter, searchKeys, type Page, type SearchResult, type TicketReadModel, type TicketSearchFilter } from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView } from '../ticket-view';

// Column names are fixed here, never taken from input: filters only bind values.
const COLUMNS: Record<keyof TicketSearchFilter, string> = {
  uuid: 'uuid_key',
  udid: 'udid_key',
  email: 'email_key',
  phone: 'phone_key',
  ticketId: 'ticket_id_key',
  zendeskTicketId: 'zendesk_ticket_id_key',
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tickets (
    record_id             TEXT PRIMARY KEY,
    revision              INTEGER NOT NULL,
    created_at            INTEGER NOT NULL,
    uuid_key              TEXT NOT NULL,
    udid_key              TEXT NOT NULL,
    email_key             TEXT NOT NULL,
    phone_key             TEXT NOT NULL,
    ticket_id_key         TEXT NOT NULL,
    zendesk_ticket_id_key TEXT NOT NULL,
    doc                   TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS tickets_uuid ON tickets (uuid_key, created_at DESC);
  CREATE INDEX IF NOT EXISTS tickets_udid ON tickets (udid_key, created_at DESC);
  CREATE INDEX IF NOT EXISTS tickets_email ON tickets (email_key, created_at DESC);
  CREATE INDEX IF NOT EXISTS tickets_phone ON tickets (phone_key, created_at DESC);
  CREATE INDEX IF NOT EXISTS tickets_ticket_id ON tickets (ticket_id_key);
  CREATE INDEX IF NOT EXISTS tickets_zendesk ON tickets (zendesk_ticket_id_key);
  CREATE INDEX IF NOT EXISTS tickets_created ON tickets (created_at DESC, record_id DESC);
`;

/**
 * The embedded read model: one row per ticket, normalized search keys in indexed
 * columns, the view as JSON in `doc` (its shape version inside it, read back by
 * readStoredView).
 */
export class SqliteTicketReadModel implements TicketReadModel {
  private readonly db: SqliteDatabase;

  constructor(path: string) {
    this.db = openSqliteDatabase(path);
    this.db.exec(SCHEMA);
  }

  async get(recordId: string): Promise<StoredTicketView | null> {
    const row = this.db.prepare('SELECT revision, doc FROM tickets WHERE record_id = ?').get(recordId) as
      | { revision: number; doc: string }
      | undefined;
    return row ? { view: readStoredView(JSON.parse(row.doc)), revision: row.revision } : null;
  }

  async upsert({ view, revision }: StoredTicketView): Promise<boolean> {
    const k = searchKeys(view);
    // The WHERE on the conflict branch is the revision guard: older writes are no-ops.
    const info = this.db
      .prepare(
        `INSERT INTO tickets (record_id, revision, created_at, uuid_key, udid_key, email_key, phone_key, ticket_id_key, zendesk_ticket_id_key, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(record_id) DO UPDATE SET
           revision = excluded.revision, created_at = excluded.created_at, uuid_key = excluded.uuid_key,
           udid_key = excluded.udid_key, email_key = excluded.email_key, phone_key = excluded.phone_key,
           ticket_id_key = excluded.ticket_id_key, zendesk_ticket_id_key = excluded.zendesk_ticket_id_key, doc = excluded.doc
         WHERE tickets.revision < excluded.revision`,
      )
      .run(view.recordId, revision, view.requestedAt, k.uuid, k.udid, k.email, k.phone, k.ticketId, k.zendeskTicketId, JSON.stringify(view));
    return info.changes > 0;
  }

  async search(filter: TicketSearchFilter, page: Page): Promise<SearchResult> {
    const wanted = Object.entries(normalizeFilter(filter)) as [keyof TicketSearchFilter, string][];
    const where = wanted.length ? `WHERE ${wanted.map(([f]) => `${COLUMNS[f]} = ?`).join(' AND ')}` : '';
    const values = wanted.map(([, v]) => v);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM tickets ${where}`).get(...values) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT doc FROM tickets ${where} ORDER BY created_at DESC, record_id DESC LIMIT ? OFFSET ?`)
      .all(...values, page.limit, page.offset) as { doc: string }[];
    return { items: rows.map((r) => readStoredView(JSON.parse(r.doc))), total };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
