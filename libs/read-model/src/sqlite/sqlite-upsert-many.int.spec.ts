import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleView } from '../testing';
import { anonymiseView } from '../ticket-view-erasure';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function readModel(path = tempPath()): SqliteTicketReadModel {
  return new SqliteTicketReadModel(path);
}
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-upsert-many-'));
  dirs.push(dir);
  return join(dir, 'read-model.db');
}

/**
 * How many segments the word index has, read by another connection. FTS5 numbers a
 * segment's pages `segid << 37 | page`; ids below that are its structure records.
 */
function wordSegments(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT count(DISTINCT id >> 37) AS n FROM tickets_fts_data WHERE id >> 37 > 0').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('SqliteTicketReadModel.upsertMany (the projection batch)', () => {
  it('writes every view of the batch as upsert would, guarded by revision', async () => {
    const rm = readModel();
    const a = sampleView({ recordId: 'rec-a', ticketId: 'T-A', subject: 'printer jammed' });
    const b = sampleView({ recordId: 'rec-b', ticketId: 'T-B' });
    await rm.upsert({ view: { ...b, category: 'newer' }, revision: 3 });
    await rm.upsertMany([
      { view: a, revision: 0 },
      { view: { ...b, category: 'older' }, revision: 2 }, // older than what is stored: refused
    ]);
    expect(await rm.get('rec-a')).toEqual({ view: a, revision: 0 });
    expect((await rm.get('rec-b'))?.view.category).toBe('newer');
    await rm.upsertMany([{ view: { ...a, category: 'moved' }, revision: 1 }]);
    expect(await rm.get('rec-a')).toMatchObject({ revision: 1, view: { category: 'moved' } });
    // Searchable like an upserted view: keys, words and counts.
    const found = await rm.search({ ticketId: 'T-A' }, { offset: 0, limit: 10 });
    expect(found.items.map((v) => v.recordId)).toEqual(['rec-a']);
    expect((await rm.search({ q: 'printer' }, { offset: 0, limit: 10 })).items.map((v) => v.recordId)).toEqual(['rec-a']);
    expect((await rm.search({}, { offset: 0, limit: 10 })).total).toBe(2);
    await rm.close();
  });

  it('is one transaction: a batch that fails part way leaves nothing of it', async () => {
    const rm = readModel();
    const good = sampleView({ recordId: 'rec-c' });
    // A view whose JSON cannot be written (a BigInt) fails inside the batch, after the first view's insert.
    const bad = { ...sampleView({ recordId: 'rec-d' }), requestedAt: 10n as unknown as number };
    await expect(
      rm.upsertMany([
        { view: good, revision: 0 },
        { view: bad, revision: 0 },
      ]),
    ).rejects.toThrow();
    expect(await rm.get('rec-c')).toBeNull();
    await rm.close();
  });

  it("writes a batch's words as one segment of the word index, not one per ticket", async () => {
    const path = tempPath();
    const rm = readModel(path);
    // Merging off (by another connection, stored in the index's config), so every segment written stays countable.
    const admin = new Database(path);
    admin.exec(`INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('automerge', 0)`);
    admin.close();
    const views = Array.from({ length: 20 }, (_, i) => sampleView({ recordId: `rec-${i}`, subject: `word${i} crash` }));
    await rm.upsertMany(views.map((view) => ({ view, revision: 0 })));
    expect(wordSegments(path)).toBe(1);
    expect((await rm.search({ q: 'word7' }, { offset: 0, limit: 10 })).items.map((v) => v.recordId)).toEqual(['rec-7']);
    expect((await rm.search({ q: 'crash' }, { offset: 0, limit: 10 })).total).toBe(20);
    await rm.close();
  });

  it('takes a batch that inserts a ticket and then erases it: its words are written before they are deleted', async () => {
    const rm = readModel();
    const view = sampleView({ recordId: 'rec-e', subject: 'uniqueword here' });
    const other = sampleView({ recordId: 'rec-f', subject: 'otherword' });
    await rm.upsertMany([
      { view, revision: 0 },
      { view: other, revision: 0 },
      { view: anonymiseView(view), revision: 1 },
    ]);
    expect((await rm.get('rec-e'))?.revision).toBe(1);
    expect((await rm.search({ q: 'uniqueword' }, { offset: 0, limit: 10 })).items).toEqual([]);
    expect((await rm.search({ q: 'here' }, { offset: 0, limit: 10 })).items).toEqual([]);
    expect((await rm.search({ q: 'otherword' }, { offset: 0, limit: 10 })).items.map((v) => v.recordId)).toEqual(['rec-f']);
    await rm.close();
  });
});

describe('SqliteTicketReadModel write-ahead log', () => {
  it('lets the WAL grow past SQLite default 1,000 pages before a commit checkpoints it (fewer checkpoints under load)', async () => {
    const path = tempPath();
    const rm = readModel(path);
    for (let batch = 0; batch < 40; batch++) {
      const views = Array.from({ length: 50 }, (_, i) => {
        const n = batch * 50 + i;
        return { view: sampleView({ recordId: `rec-${n}`, requestedAt: 1_700_000_000_000 + n, subject: `subject ${n} word${n % 31}` }), revision: 0 };
      });
      await rm.upsertMany(views);
    }
    // A checkpoint at 1,000 pages would restart the log from its start: the file would stay near 1,000 pages (4 KiB each).
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(1_500 * 4096);
    await rm.close();
  });
});
