import type { SqliteDatabase } from '@support-desk/service-kit/sqlite';
import { ticketWords } from '../search-text';
import { searchKeys } from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView } from '../ticket-view';
import { KEY_COLUMNS, KEY_FIELDS, type TableNames } from './sqlite-layout';

const KEY_LIST = KEY_FIELDS.map((f) => KEY_COLUMNS[f]).join(', ');

/**
 * Reads and guarded writes of one tickets table and its word index (the live
 * one, or a rebuild's copy), statements prepared once.
 *
 * A view's words are indexed when its row is inserted and never again: subject
 * and message are set by TicketRequested and no later event changes them
 * (ticket-view.evolve.ts), so an update leaves the word index as it is.
 */
export class SqliteTicketTable {
  private readonly selectOne;
  private readonly insertRow;
  private readonly insertWords;
  private readonly updateRow;
  private readonly upsertTx;

  constructor(
    private readonly db: SqliteDatabase,
    readonly names: TableNames,
  ) {
    this.selectOne = db.prepare<[string], { revision: number; doc: string }>(`SELECT revision, doc FROM ${names.tickets} WHERE record_id = ?`);
    this.insertRow = db.prepare(
      `INSERT INTO ${names.tickets} (record_id, revision, created_at, ${KEY_LIST}, doc)
       VALUES (?, ?, ?, ${KEY_FIELDS.map(() => '?').join(', ')}, ?)
       ON CONFLICT(record_id) DO NOTHING`,
    );
    this.insertWords = db.prepare(`INSERT INTO ${names.words} (rowid, words) VALUES (?, ?)`);
    // The WHERE on revision is the guard: an older or equal write is a no-op.
    this.updateRow = db.prepare(
      `UPDATE ${names.tickets} SET revision = ?, created_at = ?, ${KEY_FIELDS.map((f) => `${KEY_COLUMNS[f]} = ?`).join(', ')}, doc = ?
       WHERE record_id = ? AND revision < ?`,
    );
    this.upsertTx = db.transaction((stored: StoredTicketView) => this.upsertNow(stored));
  }

  get(recordId: string): StoredTicketView | null {
    const row = this.selectOne.get(recordId);
    return row ? { view: readStoredView(JSON.parse(row.doc)), revision: row.revision } : null;
  }

  /** True when written. One transaction: the row and its words land together. */
  upsert(stored: StoredTicketView): boolean {
    return this.upsertTx(stored);
  }

  /** Many upserts in one transaction (a rebuild's batch). */
  upsertMany(batch: readonly StoredTicketView[]): void {
    this.db.transaction(() => {
      for (const stored of batch) this.upsertNow(stored);
    })();
  }

  private upsertNow({ view, revision }: StoredTicketView): boolean {
    const k = searchKeys(view);
    const keys = KEY_FIELDS.map((f) => k[f]);
    const doc = JSON.stringify(view);
    const inserted = this.insertRow.run(view.recordId, revision, view.requestedAt, ...keys, doc);
    if (inserted.changes > 0) {
      this.insertWords.run(inserted.lastInsertRowid, ticketWords(view.subject, view.message).join(' '));
      return true;
    }
    return this.updateRow.run(revision, view.requestedAt, ...keys, doc, view.recordId, revision).changes > 0;
  }
}
