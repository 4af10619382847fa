import type { SqliteDatabase } from '@support-desk/service-kit/sqlite';
import { ticketWords } from '../search-text';
import { searchKeys } from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView } from '../ticket-view';
import { KEY_COLUMNS, KEY_FIELDS, ROW_ID_SCALE, type TableNames } from './sqlite-layout';

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
  private readonly selectId;
  private readonly lastInMillisecond;
  private readonly rowExists;
  private readonly insertRow;
  private readonly insertWords;
  private readonly updateRow;
  private readonly upsertTx;

  constructor(
    private readonly db: SqliteDatabase,
    readonly names: TableNames,
  ) {
    this.selectOne = db.prepare<[string], { revision: number; doc: string }>(`SELECT revision, doc FROM ${names.tickets} WHERE record_id = ?`);
    this.selectId = db.prepare<[string], { id: number }>(`SELECT id FROM ${names.tickets} WHERE record_id = ?`);
    this.lastInMillisecond = db.prepare<[number, number], { id: number | null }>(`SELECT max(id) AS id FROM ${names.tickets} WHERE id >= ? AND id < ?`);
    this.rowExists = db.prepare<[number], { x: number }>(`SELECT 1 AS x FROM ${names.tickets} WHERE id = ?`);
    this.insertRow = db.prepare(
      `INSERT INTO ${names.tickets} (id, record_id, revision, created_at, ${KEY_LIST}, doc)
       VALUES (?, ?, ?, ?, ${KEY_FIELDS.map(() => '?').join(', ')}, ?)
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

  /** The row id (the sort key, see sqlite-layout.ts) of a record, if stored. */
  rowIdOf(recordId: string): number | undefined {
    return this.selectId.get(recordId)?.id;
  }

  /** True when written. One transaction: the row and its words land together. */
  upsert(stored: StoredTicketView): boolean {
    return this.upsertTx(stored);
  }

  /** Many upserts in one transaction (a rebuild's batch, a migration's chunk). */
  upsertMany(batch: readonly StoredTicketView[]): void {
    this.db.transaction(() => {
      for (const stored of batch) this.upsertNow(stored);
    })();
  }

  private upsertNow({ view, revision }: StoredTicketView): boolean {
    const k = searchKeys(view);
    const keys = KEY_FIELDS.map((f) => k[f]);
    const doc = JSON.stringify(view);
    const id = this.nextRowId(view.requestedAt);
    if (this.insertRow.run(id, view.recordId, revision, view.requestedAt, ...keys, doc).changes > 0) {
      this.insertWords.run(id, ticketWords(view.subject, view.message).join(' '));
      return true;
    }
    return this.updateRow.run(revision, view.requestedAt, ...keys, doc, view.recordId, revision).changes > 0;
  }

  /** After the last row of the same creation millisecond (see ROW_ID_SCALE). */
  private nextRowId(createdAt: number): number {
    const first = Math.floor(createdAt) * ROW_ID_SCALE;
    const last = this.lastInMillisecond.get(first, first + ROW_ID_SCALE)?.id;
    let id = last == null ? first : last + 1;
    // A 1025th ticket in one millisecond spills into the next one's ids: the next free one.
    while (id >= first + ROW_ID_SCALE && this.rowExists.get(id)) id++;
    return id;
  }
}
