import type { SqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { Statement } from 'better-sqlite3';
import { ticketWords } from '../search-text';
import { isErased } from '@support-desk/contracts';
import { searchKeys } from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView, type TicketView } from '../ticket-view';
import { anonymiseView, erasedSubjectMarker, guardErased, isErasedView } from '../ticket-view-erasure';
import { COUNTED_FIELDS, countInsertSql, ERASED_SUBJECTS, KEY_COLUMNS, KEY_FIELDS, ROW_ID_SCALE, type TableNames } from './sqlite-layout';

const KEY_LIST = KEY_FIELDS.map((f) => KEY_COLUMNS[f]).join(', ');

type KeyRow = { id: number; revision: number; created_at: number } & Record<string, string | number>;

/**
 * Reads and guarded writes of one tickets table and its word index (the live
 * one, or a rebuild's copy), statements prepared once.
 *
 * A view's words are indexed when its row is inserted and never again: subject
 * and message are set by TicketRequested and no later event changes them
 * (ticket-view.evolve.ts), so an update leaves the word index as it is, unless
 * it erases the ticket (then its words go).
 *
 * Every write looks up whether the view's subject was erased (ERASED_SUBJECTS, in
 * the same transaction as the write, so it never races eraseSubject) and stores
 * it anonymised if so. A rebuild's copy is given the markers there were when it
 * began instead (`erasedAtStart`): the swap erases, in the copy, every subject
 * erased after that (eraseInCopy), so a hash and a lookup per write are saved.
 */
export class SqliteTicketTable {
  private readonly selectOne;
  private readonly selectId;
  private readonly lastInMillisecond;
  private readonly rowExists;
  private readonly insertRow;
  private readonly insertWords;
  private readonly countInsert;
  private readonly selectKeys;
  /** UPDATE statements by the columns they set (a handful: which keys an event changes). */
  private readonly updates = new Map<string, Statement>();
  private readonly upsertTx;
  private readonly upsertManyTx;
  private readonly markerExists;
  private readonly deleteWords;
  private readonly rowsOfUuid;
  private readonly rewriteRow;

  constructor(
    private readonly db: SqliteDatabase,
    readonly names: TableNames,
    private readonly erasedAtStart?: ReadonlySet<string>,
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
    this.countInsert = db.prepare(countInsertSql(names));
    this.selectKeys = db.prepare<[string], KeyRow>(`SELECT id, revision, created_at, ${KEY_LIST} FROM ${names.tickets} WHERE record_id = ?`);
    this.upsertTx = db.transaction((stored: StoredTicketView) => this.upsertNow(stored));
    this.upsertManyTx = db.transaction((batch: readonly StoredTicketView[]) => this.upsertAll(batch));
    this.markerExists = db.prepare<[string], { x: number }>(`SELECT 1 AS x FROM ${ERASED_SUBJECTS} WHERE marker = ?`);
    // Contentless FTS5: a row's words are deleted by naming them, exactly as they were indexed (see sqlite-layout.ts).
    this.deleteWords = db.prepare<[number, string]>(`INSERT INTO ${names.words} (${names.words}, rowid, words) VALUES ('delete', ?, ?)`);
    this.rowsOfUuid = db.prepare<[string], { id: number; doc: string }>(`SELECT id, doc FROM ${names.tickets} WHERE uuid_key = ?`);
    this.rewriteRow = db.prepare(`UPDATE ${names.tickets} SET ${KEY_FIELDS.map((f) => `${KEY_COLUMNS[f]} = ?`).join(', ')}, doc = ? WHERE id = ?`);
  }

  /**
   * Anonymises the views whose uuid search key is `uuidKey` (normalized), row
   * and words; the revision stays. Call inside a transaction. Returns how many.
   */
  eraseUuidKey(uuidKey: string): number {
    let changed = 0;
    for (const row of this.rowsOfUuid.all(uuidKey)) {
      const before = readStoredView(JSON.parse(row.doc));
      const view = anonymiseView(before);
      const k = searchKeys(view);
      this.rewriteRow.run(...KEY_FIELDS.map((f) => k[f]), JSON.stringify(view), row.id);
      this.dropWords(row.id, before);
      changed++;
    }
    return changed;
  }

  /** The distinct uuid keys of the table (a rebuild's copy, to find subjects erased while it was filled). */
  uuidKeys(): string[] {
    return this.db
      .prepare<[], { k: string }>(`SELECT DISTINCT uuid_key AS k FROM ${this.names.tickets} WHERE uuid_key <> ''`)
      .all()
      .map((r) => r.k);
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

  /**
   * Many upserts in one transaction (the projection's batch, a rebuild's, a migration's chunk). The
   * new rows' words go in after all the rows: a write with a statement journal (an update, with its
   * count trigger; the count of an insert) flushes FTS5's pending words to a segment of their own, so words written
   * between rows made one segment (and merge work) per ticket instead of one per batch.
   */
  upsertMany(batch: readonly StoredTicketView[]): void {
    this.upsertManyTx(batch);
  }

  private upsertAll(batch: readonly StoredTicketView[]): void {
    this.pendingWords = [];
    try {
      for (const stored of batch) this.upsertNow(stored);
      this.writePendingWords();
    } finally {
      this.pendingWords = undefined;
    }
  }

  /** Words of rows inserted by upsertMany, written at its end (see there). */
  private pendingWords: [id: number, words: string][] | undefined;

  private writePendingWords(): void {
    const pending = this.pendingWords;
    if (!pending) return;
    for (const [id, words] of pending) this.insertWords.run(id, words);
    pending.length = 0;
  }

  private upsertNow({ view: asked, revision }: StoredTicketView): boolean {
    const view = guardErased(asked, this.wasErased(asked.uuid));
    const k = searchKeys(view);
    const keys = KEY_FIELDS.map((f) => k[f]);
    const doc = JSON.stringify(view);
    const id = this.nextRowId(view.requestedAt);
    if (this.insertRow.run(id, view.recordId, revision, view.requestedAt, ...keys, doc).changes > 0) {
      this.countInsert.run(...COUNTED_FIELDS.map((f) => k[f]));
      if (this.pendingWords) this.pendingWords.push([id, wordsOf(view)]);
      else this.insertWords.run(id, wordsOf(view));
      return true;
    }
    // The guard: an older or equal write is a no-op. (Always inside a write transaction: read, then write.)
    const old = this.selectKeys.get(view.recordId);
    if (!old || old.revision >= revision) return false;
    // A write that erases the ticket takes its words out: they were indexed from the view it replaces.
    const replaced = isErasedView(view) ? this.selectOne.get(view.recordId) : undefined;
    // Only the columns whose value changes are set: SQLite rewrites the index entries of every column an
    // UPDATE sets, changed or not (all nine keys: ~4x the CPU of the doc alone, a micro-bench of 200,000 rows),
    // and the counts trigger runs only when a counted column is set.
    const columns: string[] = [];
    const values: (string | number)[] = [];
    const set = (column: string, value: string | number) => {
      if (old[column] === value) return;
      columns.push(column);
      values.push(value);
    };
    set('created_at', view.requestedAt);
    KEY_FIELDS.forEach((field, i) => set(KEY_COLUMNS[field], keys[i]!));
    this.updateOf(columns).run(revision, doc, ...values, old.id);
    if (replaced) this.dropWords(old.id, readStoredView(JSON.parse(replaced.doc)));
    return true;
  }

  private updateOf(columns: readonly string[]): Statement {
    const key = columns.join(',');
    let statement = this.updates.get(key);
    if (!statement) {
      const set = ['revision = ?', 'doc = ?', ...columns.map((c) => `${c} = ?`)].join(', ');
      statement = this.db.prepare(`UPDATE ${this.names.tickets} SET ${set} WHERE id = ?`);
      this.updates.set(key, statement);
    }
    return statement;
  }

  private wasErased(uuid: string): boolean {
    if (isErased(uuid)) return false;
    if (this.erasedAtStart) return this.erasedAtStart.size > 0 && this.erasedAtStart.has(erasedSubjectMarker(uuid));
    return this.markerExists.get(erasedSubjectMarker(uuid)) !== undefined;
  }

  /** Deletes a row's words, given the view they were indexed from (FTS5 'delete' must name them exactly). */
  private dropWords(id: number, indexed: TicketView): void {
    // FTS5 'delete' must find the words it names: those of a row inserted earlier in the batch go in first.
    this.writePendingWords();
    const words = wordsOf(indexed);
    if (words !== '') this.deleteWords.run(id, words);
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

/** What a row's words column holds: the words of its subject and message (search-text.ts). */
export function wordsOf(view: TicketView): string {
  return ticketWords(view.subject, view.message).join(' ');
}
