import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { pageAll, sampleView } from '../testing';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-row-ids-'));
  dirs.push(dir);
  return join(dir, 'read-model.db');
}

const T0 = 1_700_000_000_000;
const views = Array.from({ length: 1_500 }, (_, i) => sampleView({ requestedAt: T0 + i * 1_000, category: i % 2 ? 'odd' : 'even' }));
const newestFirst = (from: number, to: number, category?: string) =>
  views
    .filter((v) => v.requestedAt >= from && v.requestedAt < to && (category === undefined || v.category === category))
    .reverse()
    .map((v) => v.recordId);

function rowIdsIndexes(path: string, table = 'tickets'): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[string], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`)
      .all(table)
      .map((r) => r.name)
      .filter((n) => n.endsWith('_row_ids'));
  } finally {
    db.close();
  }
}

/** The count of a date range (and the row ids of its offset page) walk the row-ids index, not the table's rows. */
function expectRangeUsesRowIds(readModel: SqliteTicketReadModel): void {
  const plan = readModel.explainSearch({ createdFrom: T0, createdTo: T0 + 600_000 }, { offset: 40, limit: 20 }).join('\n');
  expect(plan).toMatch(/^count: +SEARCH t USING COVERING INDEX \S+_row_ids \(id>\? AND id<\?\)$/m);
  expect(plan).toMatch(/^page: +SEARCH t USING COVERING INDEX \S+_row_ids \(id>\? AND id<\?\)$/m);
}

describe('SqliteTicketReadModel row-ids index (date range counts)', () => {
  it('adds the index to a layout 5 file made without it, on open, and keeps every ticket', async () => {
    const path = tempPath();
    const first = new SqliteTicketReadModel(path);
    await first.upsertMany(views.map((view) => ({ view, revision: 0 })));
    await first.close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    for (const name of rowIdsIndexes(path)) db.exec(`DROP INDEX ${name}`); // as files of layout 5 were before it
    db.close();
    expect(rowIdsIndexes(path)).toEqual([]);

    const readModel = new SqliteTicketReadModel(path);
    try {
      expect(rowIdsIndexes(path)).toHaveLength(1);
      expectRangeUsesRowIds(readModel);
      expect((await readModel.search({}, { offset: 0, limit: 1 })).total).toBe(1_500);
      expect(await readModel.get(views[777]!.recordId)).toEqual({ view: views[777], revision: 0 });
      const from = T0 + 100_000;
      const to = T0 + 700_000;
      const range = await readModel.search({ createdFrom: from, createdTo: to }, { offset: 20, limit: 20 });
      expect(range.total).toBe(600);
      expect(range.items.map((v) => v.recordId)).toEqual(newestFirst(from, to).slice(20, 40));
      expect(await pageAll(readModel, { createdFrom: from, createdTo: to, category: 'odd' }, 45)).toEqual(newestFirst(from, to, 'odd'));
      // Past COUNT_CAP, no total (the count stops at 1,001 index entries).
      expect((await readModel.search({ createdFrom: T0, createdTo: T0 + 1_200_000 }, { offset: 0, limit: 1 })).total).toBeUndefined();
    } finally {
      await readModel.close();
    }
    const reopened = new Database(path);
    expect(reopened.pragma('user_version', { simple: true })).toBe(5); // an index, no layout change: older builds still open the file
    reopened.close();
    expect(rowIdsIndexes(path)).toHaveLength(1); // opened again: not added twice
  });

  it('gives new files and rebuilt tables the index', async () => {
    const path = tempPath();
    const readModel = new SqliteTicketReadModel(path);
    try {
      expect(rowIdsIndexes(path)).toHaveLength(1);
      const before = rowIdsIndexes(path)[0];
      const copy = await readModel.beginRebuild();
      await copy.write(views.map((view) => ({ stored: { view, revision: 0 }, isNew: true })));
      await copy.swap(async () => {});
      const after = rowIdsIndexes(path);
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before); // the copy's own, renamed with it
      expectRangeUsesRowIds(readModel);
      expect((await readModel.search({ createdFrom: T0, createdTo: T0 + 600_000 }, { offset: 0, limit: 20 })).total).toBe(600);
      // Rows found in the word index are read by row id, not through this index first (an extra seek each).
      for (const page of [
        { offset: 0, limit: 20 },
        { after: { createdAt: T0 + 500_000, recordId: 'r' }, limit: 20 },
      ]) {
        const plan = readModel.explainSearch({ q: 'printer', category: 'odd', createdFrom: T0, createdTo: T0 + 600_000 }, page).join('\n');
        expect(plan).toMatch(/SCAN tickets_fts VIRTUAL TABLE(.|\n)*SEARCH t USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(plan).not.toMatch(/_row_ids/);
      }
    } finally {
      await readModel.close();
    }
  });
});
