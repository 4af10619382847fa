import { randomBytes } from 'node:crypto';
import type { SqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { SearchKeys } from '../ticket-read-model.port';

/**
 * The embedded read model's tables. Layout 3 (PRAGMA user_version): the row id
 * IS the sort key: creation date in ms × 1024, plus the order of arrival within
 * that millisecond (ROW_ID_SCALE). So "newest first" is the row id descending,
 * every index (which ends in the row id) is already in that order, a keyset page
 * is `id < ?`, a date range is a row id range, and the FTS5 word index, which
 * keeps its rows in row id order, pages through a word's tickets newest first
 * without sorting. One column per search key, the view as JSON in `doc`, and a
 * contentless FTS5 table of each ticket's words (search-text.ts; the text itself
 * is only in `doc`), and a table of counts kept by triggers (createCounts).
 * Earlier layouts (1: before free text and the status filters; 2: ordered by an
 * index; 3: without counts; 4: a `contentless_delete` word index) are migrated
 * on open.
 *
 * Layout 5: the word index is plain contentless with FTS5's secure-delete, and
 * a row's words are deleted with FTS5's 'delete' command, given the words it was
 * indexed with (recomputed from `doc`: subject and message never change). A
 * `contentless_delete` table cannot do that: it marks a deleted row with a
 * tombstone and keeps its words in the index pages until a merge, and an
 * erased ticket's words must leave the file (issue 15).
 */
export const LAYOUT_VERSION = 5;

/**
 * Row ids per millisecond. ms × 1024 stays below 2^53 (exact in a JS number)
 * until the year 2248. A 1025th ticket created in one millisecond would take the
 * next millisecond's first row id, sorting as if a millisecond younger.
 */
export const ROW_ID_SCALE = 1024;

export type TableNames = { tickets: string; words: string; counts: string };

/**
 * Subjects erased (erasedSubjectMarker, a hash), in the order erased (seq): one
 * table for the live tickets and any rebuild's copy, so both anonymise their
 * views as they are written. Not part of the layout version: created if missing.
 */
export const ERASED_SUBJECTS = 'erased_subjects';

export function createErasedSubjects(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${ERASED_SUBJECTS} (seq INTEGER PRIMARY KEY, marker TEXT NOT NULL UNIQUE)`);
}

/**
 * FTS5's secure-delete: deleting a row's words removes them from the index's
 * pages (terms left without a row included) instead of leaving them there until
 * a merge. An erased ticket's words must really go (issue 15). Stored in the
 * table's config.
 */
export function secureDeleteWords(db: SqliteDatabase, words: string): void {
  db.exec(`INSERT INTO ${words} (${words}, rank) VALUES ('secure-delete', 1)`);
}
export const LIVE_TABLES: TableNames = { tickets: 'tickets', words: 'tickets_fts', counts: 'tickets_counts' };

/** The names of a rebuild's copy, `tickets_next_<suffix>…`. */
export function copyTables(suffix: string): TableNames {
  return { tickets: `tickets_next_${suffix}`, words: `tickets_next_${suffix}_fts`, counts: `tickets_next_${suffix}_counts` };
}

/** Counted per value (createCounts): the fields with few values, which a search may name alone. */
export const COUNTED_FIELDS = ['ticketStatus', 'syncStatus', 'category'] as const;

// Column names are fixed here, never taken from input: filters only bind values.
export const KEY_COLUMNS: Record<keyof SearchKeys, string> = {
  uuid: 'uuid_key',
  udid: 'udid_key',
  email: 'email_key',
  phone: 'phone_key',
  ticketId: 'ticket_id_key',
  zendeskTicketId: 'zendesk_ticket_id_key',
  ticketStatus: 'ticket_status_key',
  syncStatus: 'sync_status',
  category: 'category_key',
};

export const KEY_FIELDS = Object.keys(KEY_COLUMNS) as (keyof SearchKeys)[];

/** `countsLater`: a bulk-loaded copy fills its counts once loaded (countExisting), not by a trigger per row. */
export function createTables(db: SqliteDatabase, names: TableNames, options: { countsLater?: boolean } = {}): void {
  db.exec(`
    CREATE TABLE ${names.tickets} (
      id         INTEGER PRIMARY KEY, -- creation ms × ROW_ID_SCALE + arrival within the ms
      record_id  TEXT NOT NULL UNIQUE,
      revision   INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      ${KEY_FIELDS.map((f) => `${KEY_COLUMNS[f]} TEXT NOT NULL`).join(',\n      ')},
      doc        TEXT NOT NULL
    );
    CREATE TABLE ${names.counts} (field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (field, value)) WITHOUT ROWID;
  `);
  createWordsTable(db, names.words);
  if (!options.countsLater) createCountTriggers(db, names);
}

/** The word index (contentless FTS5, secure-delete on; see LAYOUT_VERSION). */
export function createWordsTable(db: SqliteDatabase, words: string): void {
  db.exec(`CREATE VIRTUAL TABLE ${words} USING fts5(words, content = '', tokenize = 'unicode61 remove_diacritics 0')`);
  secureDeleteWords(db, words);
}

/**
 * Layout 4 → 5 changes only the word index: a new one is filled from the rows'
 * docs in place (`words(doc)`), the tickets, their row ids and indexes stay.
 * Call inside a transaction. The row id is read as `id` (the INTEGER PRIMARY KEY).
 */
export function rebuildWordsTable(db: SqliteDatabase, names: TableNames, words: (doc: string) => string): void {
  db.exec(`DROP TABLE IF EXISTS ${names.words}`);
  createWordsTable(db, names.words);
  const chunk = db.prepare<[number], { id: number; doc: string }>(`SELECT id, doc FROM ${names.tickets} WHERE id > ? ORDER BY id LIMIT 2000`);
  const insert = db.prepare<[number, string]>(`INSERT INTO ${names.words} (rowid, words) VALUES (?, ?)`);
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = chunk.all(after);
    if (rows.length === 0) return;
    for (const row of rows) {
      const text = words(row.doc);
      if (text !== '') insert.run(row.id, text);
    }
    after = rows.at(-1)!.id;
  }
}

/** Counts what a bulk-loaded copy holds, then keeps counting (the triggers). */
export function countExisting(db: SqliteDatabase, names: TableNames): void {
  db.exec(`
    DELETE FROM ${names.counts};
    INSERT INTO ${names.counts} (field, value, n) SELECT '*', '', count(*) FROM ${names.tickets};
    ${COUNTED_FIELDS.map(
      (f) => `INSERT INTO ${names.counts} (field, value, n) SELECT '${f}', ${KEY_COLUMNS[f]}, count(*) FROM ${names.tickets} GROUP BY ${KEY_COLUMNS[f]};`,
    ).join('\n    ')}
  `);
  createCountTriggers(db, names);
}

/**
 * Exact totals without counting: how many tickets there are (`*`), and how many
 * have each ticket status, sync status and category, kept in the writes' own
 * transactions: by a trigger on update, by the insert's writer (countInsertSql) on
 * insert. "All tickets", "all FAILED" or "all of category
 * crash" over a million rows would otherwise count a third of an index or more
 * for X-Total-Count. Rows are never deleted (a rebuild replaces whole tables).
 *
 * No insert trigger: a statement with a trigger gets a statement journal, which
 * copied every page the insert touched (the row and ten indexes, past 64 KiB to
 * a temporary file): ~30 % of the read model's SQLite time under load.
 */
function createCountTriggers(db: SqliteDatabase, names: TableNames): void {
  const [status, sync, category] = COUNTED_FIELDS.map((f) => KEY_COLUMNS[f]);
  const pairs = (row: 'NEW' | 'OLD') => COUNTED_FIELDS.map((f) => `('${f}', ${row}.${KEY_COLUMNS[f]})`).join(', ');
  const ones = (row: 'NEW' | 'OLD') => COUNTED_FIELDS.map((f) => `('${f}', ${row}.${KEY_COLUMNS[f]}, 1)`).join(', ');
  db.exec(`
    CREATE TRIGGER ${names.tickets}_count_update AFTER UPDATE OF ${status}, ${sync}, ${category} ON ${names.tickets}
    WHEN OLD.${status} IS NOT NEW.${status} OR OLD.${sync} IS NOT NEW.${sync} OR OLD.${category} IS NOT NEW.${category} BEGIN
      UPDATE ${names.counts} SET n = n - 1 WHERE (field, value) IN (VALUES ${pairs('OLD')});
      INSERT INTO ${names.counts} (field, value, n) VALUES ${ones('NEW')}
        ON CONFLICT (field, value) DO UPDATE SET n = n + 1;
    END;
  `);
}

/** Counts one inserted row (see createCountTriggers); binds the counted fields' values in COUNTED_FIELDS order. */
export function countInsertSql(names: TableNames): string {
  return `INSERT INTO ${names.counts} (field, value, n) VALUES ('*', '', 1), ${COUNTED_FIELDS.map((f) => `('${f}', ?, 1)`).join(', ')}
    ON CONFLICT (field, value) DO UPDATE SET n = n + 1`;
}

/** Files written before inserts were counted by their writer have an insert trigger (named after the table it was made on): dropped, or they would count twice. */
export function dropInsertCountTriggers(db: SqliteDatabase, table: string): void {
  const triggers = db.prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`).all(table);
  for (const { name } of triggers) if (name.endsWith('_count_insert')) db.exec(`DROP TRIGGER "${name}"`);
}

/**
 * One index per search key. SQLite ends every index in the row id, so rows of
 * one key value come out newest first and an offset is counted off inside the
 * index. Built after a bulk load, not during it (sorting once is far cheaper
 * than a million random b-tree inserts). Names carry a generation: a rebuilt
 * table keeps its index names when renamed, and a later rebuild must not
 * collide with them.
 */
export function createIndexes(db: SqliteDatabase, table: string): void {
  const generation = randomBytes(4).toString('hex');
  for (const field of KEY_FIELDS) {
    const column = KEY_COLUMNS[field];
    db.exec(`CREATE INDEX ix_${generation}_${column} ON ${table} (${column})`);
  }
  createStatusesIndex(db, table, generation);
  createRowIdsIndex(db, table, generation);
}

const STATUSES_INDEX_SUFFIX = '_statuses';
/** Lowest cardinality first; any order serves an equality on all three. */
const STATUSES_INDEX_COLUMNS = ['syncStatus', 'ticketStatus', 'category'] as const;

/**
 * Sync status, ticket status and category together, then the row id (newest
 * first, as every index here): "all SYNCED, solved, crash tickets" reads its
 * page, counts up to COUNT_CAP and skips an offset inside this one index. With
 * one field's index alone it read a row per candidate to check the other two
 * (at a million tickets, 7.4 / 19.4 ms p50 / p99 for page 1, 94 / 291 ms at
 * offset 10,000). A page of two of them reads one field's index (this one's
 * prefix is not in row id order), but their capped count reads this index
 * alone, no rows.
 */
function createStatusesIndex(db: SqliteDatabase, table: string, generation: string): void {
  const columns = STATUSES_INDEX_COLUMNS.map((f) => KEY_COLUMNS[f]).join(', ');
  db.exec(`CREATE INDEX ix_${generation}${STATUSES_INDEX_SUFFIX} ON ${table} (${columns})`);
}

const ROW_IDS_INDEX_SUFFIX = '_row_ids';

/**
 * The row id alone (`id` is its alias), about 10 bytes an entry: a date range is
 * a row id range, and its capped count (up to COUNT_CAP + 1 rows) and an offset
 * page's skipped rows walk this index (a few pages) instead of the table, whose
 * leaf pages hold each row's whole doc (about 400 pages for 1,001 rows). SQLite
 * takes it by itself wherever it covers the query (a covering index narrower
 * than the table): those, an unfiltered offset page, an insert's next row id
 * (max(id) in a millisecond); free text keeps reading rows by row id (searchSql).
 * At a million tickets, "created within a day" page 1 and its count, file not in
 * the OS cache: p50 / p99 19.2 / 52.2 ms before, 2.5 / 14.0 ms (CPU p99 18.9 ->
 * 2.3 ms) with it; cached: 1.0 / 4.9 -> 0.3 / 0.8 ms.
 */
function createRowIdsIndex(db: SqliteDatabase, table: string, generation: string): void {
  db.exec(`CREATE INDEX ix_${generation}${ROW_IDS_INDEX_SUFFIX} ON ${table} (id)`);
}

/**
 * Indexes added to layouts 4 and 5 without a layout change (an older build reads and
 * writes a file with them as before; SQLite keeps them up to date): files made
 * before them get them on open, found by their names' suffix. Seconds at a
 * million tickets, once. True when one was created (then worth an ANALYZE).
 */
export function ensureLaterIndexes(db: SqliteDatabase, table: string): boolean {
  const later = [
    { suffix: STATUSES_INDEX_SUFFIX, create: createStatusesIndex },
    { suffix: ROW_IDS_INDEX_SUFFIX, create: createRowIdsIndex },
  ];
  const missing = () => {
    const names = db.prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(table);
    return later.filter(({ suffix }) => !names.some((i) => i.name.endsWith(suffix)));
  };
  if (missing().length === 0) return false;
  // Looked at again under the write lock: another process opening the same file may have just added them.
  return db
    .transaction(() => {
      const toCreate = missing();
      const generation = randomBytes(4).toString('hex');
      for (const { create } of toCreate) create(db, table, generation);
      return toCreate.length > 0;
    })
    .immediate();
}

/**
 * Statistics for the query planner, so an AND of a customer's uuid and a sync
 * status walks the uuid index (a few rows), not the status one (a third of all).
 * analysis_limit keeps ANALYZE to a sample: milliseconds at a million rows.
 */
export function analyze(db: SqliteDatabase, table: string): void {
  db.pragma('analysis_limit = 1000');
  db.exec(`ANALYZE ${table}`);
}

export function tableExists(db: SqliteDatabase, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
