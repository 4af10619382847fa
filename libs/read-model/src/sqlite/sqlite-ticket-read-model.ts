import { randomBytes } from 'node:crypto';
import { openSqliteDatabase, type SqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { Statement } from 'better-sqlite3';
import {
  normalize,
  normalizeQuery,
  type Page,
  type SearchResult,
  type TicketReadModel,
  type TicketReadModelRebuild,
  type TicketSearchQuery,
} from '../ticket-read-model.port';
import { readStoredView, type StoredTicketView } from '../ticket-view';
import { erasedSubjectMarker } from '../ticket-view-erasure';
import {
  analyze,
  copyTables,
  countExisting,
  createErasedSubjects,
  createIndexes,
  createTables,
  dropInsertCountTriggers,
  ensureLaterIndexes,
  ERASED_SUBJECTS,
  LAYOUT_VERSION,
  LIVE_TABLES,
  rebuildWordsTable,
  ROW_ID_SCALE,
  secureDeleteWords,
  tableExists,
} from './sqlite-layout';
import { COUNT_CAP, searchSql, type Sql, type SqlPage } from './sqlite-search';
import { SqliteCopyWriter } from './sqlite-copy-writer';
import { SqliteTicketTable, wordsOf } from './sqlite-ticket-table';

const STATEMENT_CACHE = 256;
const OPTIMIZE_EVERY = 20_000;

/**
 * The embedded read model (layout in sqlite-layout.ts). Every search is one
 * statement reading rows newest first from an index (or the word index); offset
 * pages add a count for X-Total-Count where it is cheap (see searchSql), keyset
 * pages do not count at all. Within one creation
 * millisecond tickets come in the order they were stored (the row id), not by
 * record id.
 *
 * Erasure (eraseSubject) must leave no byte of the person in the file: the
 * connection runs with `secure_delete = ON`, so whatever a write frees (an
 * updated row's old cell, an index entry, a dropped table's pages) is zeroed,
 * not left in free space, and the word index deletes for real (FTS5
 * secure-delete). Then the WAL, which still holds the old pages, is
 * checkpointed into the file and truncated.
 */
export class SqliteTicketReadModel implements TicketReadModel {
  private readonly db: SqliteDatabase;
  private table: SqliteTicketTable;
  private readonly statements = new Map<string, Statement>();
  /** Set while a rebuild swaps tables on this connection: calls made meanwhile wait for it. */
  private swapping: Promise<void> | undefined;
  private insertsSinceOptimize = 0;

  constructor(private readonly path: string) {
    this.db = openSqliteDatabase(path);
    // Zeroes freed content (see the class comment). Costs a little I/O on writes that free space.
    this.db.pragma('secure_delete = ON');
    // A WAL checkpoint runs inside the commit that crosses the threshold (the projection's, on the event loop).
    // 10,000 pages (40 MiB of WAL) instead of SQLite's 1,000, as the event store: the index pages every batch
    // rewrites are copied back once per checkpoint, not every few batches (~6 % of the read model's SQLite time).
    // Erasure still truncates the WAL at once (eraseSubject).
    this.db.pragma('wal_autocheckpoint = 10000');
    createErasedSubjects(this.db); // before openLayout: a migration writes through SqliteTicketTable, which looks markers up
    openLayout(this.db);
    secureDeleteWords(this.db, LIVE_TABLES.words); // files of layout 4 before erasure existed
    this.table = new SqliteTicketTable(this.db, LIVE_TABLES);
    this.db.pragma('optimize');
  }

  async get(recordId: string): Promise<StoredTicketView | null> {
    await this.swapping;
    return this.table.get(recordId);
  }

  async upsert(stored: StoredTicketView): Promise<boolean> {
    await this.swapping;
    const written = this.table.upsert(stored);
    // The planner's statistics follow the table's growth (a no-op unless it grew a lot).
    if (written && stored.revision === 0 && ++this.insertsSinceOptimize >= OPTIMIZE_EVERY) {
      this.insertsSinceOptimize = 0;
      this.db.pragma('optimize');
    }
    return written;
  }

  async eraseSubject(uuid: string): Promise<number> {
    await this.swapping;
    const key = normalize('uuid', uuid);
    if (key === undefined) return 0;
    const changed = this.db.transaction(() => {
      this.db.prepare(`INSERT INTO ${ERASED_SUBJECTS} (marker) VALUES (?) ON CONFLICT (marker) DO NOTHING`).run(erasedSubjectMarker(key));
      return this.table.eraseUuidKey(key);
    })();
    // The WAL still holds the pages as they were: copy them into the file and truncate it
    // (busy readers may keep a few frames; the next checkpoint overwrites them).
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changed;
  }

  /**
   * One transaction for the batch: the projection's upserts were ~23 % of `npm
   * start`'s CPU under load, one commit (a WAL write of every page touched) each.
   */
  async upsertMany(batch: readonly StoredTicketView[]): Promise<void> {
    await this.swapping;
    this.table.upsertMany(batch);
    this.insertsSinceOptimize += batch.reduce((n, stored) => n + (stored.revision === 0 ? 1 : 0), 0);
    if (this.insertsSinceOptimize >= OPTIMIZE_EVERY) {
      this.insertsSinceOptimize = 0;
      this.db.pragma('optimize');
    }
  }

  async search(query: TicketSearchQuery, page: Page): Promise<SearchResult> {
    await this.swapping;
    const wanted = normalizeQuery(query);
    if (wanted.matchesNothing) return 'after' in page ? { items: [], hasMore: false } : { items: [], total: 0, hasMore: false };
    const sql = searchSql(LIVE_TABLES, wanted, this.sqlPage(page));
    const rows = this.statement(sql.page).all(...sql.page.params) as { doc: string }[];
    const items = rows.slice(0, page.limit).map((r) => readStoredView(JSON.parse(r.doc)));
    const hasMore = rows.length > page.limit;
    if (!sql.count) return { items, hasMore };
    const total = (this.statement(sql.count).get(...sql.count.params) as { n: number }).n;
    // Some counts stop at a cap (see searchSql): past it, no total rather than a wrong one.
    return sql.count.capped && total > COUNT_CAP ? { items, hasMore } : { items, total, hasMore };
  }

  /** EXPLAIN QUERY PLAN of a search's statements, one line per plan step (for the bench). */
  explainSearch(query: TicketSearchQuery, page: Page): string[] {
    const wanted = normalizeQuery(query);
    if (wanted.matchesNothing) return ['(matches nothing: no statement)'];
    const sql = searchSql(LIVE_TABLES, wanted, this.sqlPage(page));
    const lines: string[] = [];
    for (const [label, statement] of [
      ['page', sql.page],
      ['count', sql.count],
    ] as const) {
      if (!statement) continue;
      const steps = this.db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, 0]]);
      for (const step of steps) {
        depth.set(step.id, (depth.get(step.parent) ?? 0) + 1);
        lines.push(`${label}: ${'  '.repeat(depth.get(step.id)! - 1)}${step.detail}`);
      }
    }
    return lines;
  }

  /**
   * A keyset page starts after the row of the cursor's record (its row id is the
   * sort key). Were the record gone, after every row of its millisecond.
   */
  private sqlPage(page: Page): SqlPage {
    if (!('after' in page)) return page;
    const afterRowId = this.table.rowIdOf(page.after.recordId) ?? Math.floor(page.after.createdAt) * ROW_ID_SCALE;
    return { limit: page.limit, afterRowId };
  }

  async beginRebuild(): Promise<TicketReadModelRebuild> {
    await this.swapping;
    dropLeftovers(this.db, 'tickets_next_');
    dropLeftovers(this.db, 'tickets_retired_');
    const suffix = randomBytes(4).toString('hex');
    const names = copyTables(suffix);
    createTables(this.db, names, { countsLater: true });
    const erasedBefore = this.lastErasure();
    const erasedAtStart = this.erasedMarkers({ upTo: erasedBefore });
    const copy = new SqliteTicketTable(this.db, names, erasedAtStart);
    // Bulk writes go to a thread of their own; reads of the copy and the swap stay on this connection.
    let writer = SqliteCopyWriter.start({ path: this.path, names, erasedAtStart: [...erasedAtStart] });
    const stopWriter = async () => {
      const stopping = writer;
      writer = undefined;
      await stopping?.close();
    };
    return {
      get: async (recordId) => copy.get(recordId),
      write: async (batch) => {
        const views = batch.map((b) => b.stored);
        if (writer) return writer.write(views);
        copy.upsertMany(views);
      },
      swap: async (lastCatchUp) => {
        await stopWriter(); // every batch given to it is committed: the swap indexes them
        await this.swapIn(copy, suffix, erasedBefore, lastCatchUp);
      },
      discard: async () => {
        await stopWriter().catch(() => undefined);
        this.db.exec(`DROP TABLE IF EXISTS ${names.tickets}; DROP TABLE IF EXISTS ${names.words}; DROP TABLE IF EXISTS ${names.counts}`);
      },
    };
  }

  async close(): Promise<void> {
    await this.swapping;
    if (!this.db.open) return;
    this.db.pragma('optimize');
    this.db.close();
  }

  /**
   * Indexes the copy, then, holding the database's write lock (writers in other
   * processes wait, up to their busy timeout), applies the last events and renames
   * the copy into place. Nothing the old tables received after the copy's last
   * catch-up is lost: the last catch-up runs while nothing else can write.
   */
  private async swapIn(
    copy: SqliteTicketTable,
    suffix: string,
    erasedBefore: number,
    lastCatchUp: Parameters<TicketReadModelRebuild['swap']>[0],
  ): Promise<void> {
    createIndexes(this.db, copy.names.tickets);
    countExisting(this.db, copy.names);
    analyze(this.db, copy.names.tickets);
    let done!: () => void;
    this.swapping = new Promise((resolve) => (done = resolve));
    const retired = { tickets: `tickets_retired_${suffix}`, words: `tickets_retired_${suffix}_fts`, counts: `tickets_retired_${suffix}_counts` };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        await lastCatchUp(async (stored) => copy.upsert(stored));
        this.eraseInCopy(copy, erasedBefore);
        this.db.exec(`
          ALTER TABLE ${LIVE_TABLES.tickets} RENAME TO ${retired.tickets};
          ALTER TABLE ${LIVE_TABLES.words} RENAME TO ${retired.words};
          ALTER TABLE ${LIVE_TABLES.counts} RENAME TO ${retired.counts};
          ALTER TABLE ${copy.names.tickets} RENAME TO ${LIVE_TABLES.tickets};
          ALTER TABLE ${copy.names.words} RENAME TO ${LIVE_TABLES.words};
          ALTER TABLE ${copy.names.counts} RENAME TO ${LIVE_TABLES.counts};
        `);
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      this.statements.clear();
      this.table = new SqliteTicketTable(this.db, LIVE_TABLES);
    } finally {
      this.swapping = undefined;
      done();
    }
    this.db.exec(`DROP TABLE ${retired.tickets}; DROP TABLE ${retired.words}; DROP TABLE ${retired.counts}`);
    analyze(this.db, LIVE_TABLES.tickets);
  }

  private erasedMarkers(range: { upTo: number } | { after: number }): Set<string> {
    const [op, seq] = 'upTo' in range ? ['<=', range.upTo] : ['>', range.after];
    const rows = this.db.prepare(`SELECT marker FROM ${ERASED_SUBJECTS} WHERE seq ${op} ?`).all(seq) as { marker: string }[];
    return new Set(rows.map((r) => r.marker));
  }

  private lastErasure(): number {
    return (this.db.prepare(`SELECT coalesce(max(seq), 0) AS seq FROM ${ERASED_SUBJECTS}`).get() as { seq: number }).seq;
  }

  /**
   * Subjects erased while a rebuild filled its copy: views written before their
   * erasure went in as the events said. Rare, so found by hashing the copy's
   * distinct uuids (markers are hashes) only when there are any.
   */
  private eraseInCopy(copy: SqliteTicketTable, erasedBefore: number): void {
    const markers = this.erasedMarkers({ after: erasedBefore });
    if (markers.size === 0) return;
    for (const key of copy.uuidKeys()) if (markers.has(erasedSubjectMarker(key))) copy.eraseUuidKey(key);
  }

  /** Prepared once per distinct statement text (a filter combination), a few hundred at most. */
  private statement({ sql }: Pick<Sql, 'sql'>): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * Creates the tables on a new file; on a file of an earlier layout (see
 * sqlite-layout.ts) copies
 * every row into the current layout, keys, words and row ids computed anew from
 * `doc`, in one transaction.
 */
function openLayout(db: SqliteDatabase): void {
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version === 4) {
    // Only the word index changed (see LAYOUT_VERSION): rebuilt in place, the tickets stay as they are.
    db.transaction(() => {
      rebuildWordsTable(db, LIVE_TABLES, (doc) => wordsOf(readStoredView(JSON.parse(doc))));
      db.pragma(`user_version = ${LAYOUT_VERSION}`);
    })();
    version = LAYOUT_VERSION;
  }
  if (version === LAYOUT_VERSION) {
    if (ensureLaterIndexes(db, LIVE_TABLES.tickets)) analyze(db, LIVE_TABLES.tickets);
    dropInsertCountTriggers(db, LIVE_TABLES.tickets);
    return;
  }
  if (version > LAYOUT_VERSION) throw new Error(`read model file has layout ${version}; this build knows layouts up to ${LAYOUT_VERSION}`);
  db.transaction(() => {
    const earlier = tableExists(db, LIVE_TABLES.tickets);
    if (earlier) {
      db.exec(`ALTER TABLE ${LIVE_TABLES.tickets} RENAME TO tickets_earlier_layout`);
      db.exec(`DROP TABLE IF EXISTS ${LIVE_TABLES.words}; DROP TABLE IF EXISTS ${LIVE_TABLES.counts}`);
    }
    createTables(db, LIVE_TABLES, { countsLater: true });
    if (earlier) {
      copyEarlierLayout(db);
      db.exec('DROP TABLE tickets_earlier_layout');
    }
    countExisting(db, LIVE_TABLES);
    createIndexes(db, LIVE_TABLES.tickets);
    db.pragma(`user_version = ${LAYOUT_VERSION}`);
  })();
  analyze(db, LIVE_TABLES.tickets);
}

/**
 * Every layout kept record_id, revision and doc: that is all the copy reads.
 * The row id under a name of its own: from layout 3 on it is the table's
 * INTEGER PRIMARY KEY `id`, and SQLite then names a selected `rowid` column
 * `id`. Read as `rowid`, it was undefined after the first chunk, the copy
 * stopped there and the rest of the tickets were dropped with the old table.
 */
function copyEarlierLayout(db: SqliteDatabase): void {
  const table = new SqliteTicketTable(db, LIVE_TABLES);
  const chunk = db.prepare<[number], { row_id: number; revision: number; doc: string }>(
    'SELECT rowid AS row_id, revision, doc FROM tickets_earlier_layout WHERE rowid > ? ORDER BY rowid LIMIT 2000',
  );
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = chunk.all(after);
    if (rows.length === 0) return;
    table.upsertMany(rows.map((r) => ({ view: readStoredView(JSON.parse(r.doc)), revision: r.revision })));
    after = rows.at(-1)!.row_id;
  }
}

function dropLeftovers(db: SqliteDatabase, prefix: string): void {
  const names = db
    .prepare<[string], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? || '%' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'`,
    )
    .all(prefix)
    .map((r) => r.name);
  for (const name of names) db.exec(`DROP TABLE IF EXISTS ${name}`);
}
