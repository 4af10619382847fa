import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERASED } from '@support-desk/contracts';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { personalView, sampleView } from '../testing';
import { textWords } from '../search-text';
import type { TicketView } from '../ticket-view';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-erase-'));
  dirs.push(dir);
  return join(dir, 'read-model.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The database file and its WAL, as bytes: what someone with the disk would read. */
function rawBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

/** Every form a view's personal data takes in the file: the doc's JSON and the search keys. */
function traces(view: TicketView): string[] {
  return [
    view.email,
    view.email.toLowerCase(),
    view.phone!,
    view.phone!.replace(/\D/g, ''),
    view.udid,
    view.udid.toLowerCase(),
    view.name!,
    view.message,
    view.subject,
    ...view.images,
  ];
}

/** The view's own words (personalView gives each a unique one in subject and message). */
function ownWords(view: TicketView): string[] {
  return [...textWords(view.message), ...textWords(view.subject)].filter((w) => /\d/.test(w));
}

/**
 * The terms the word index holds, read from the file by another connection. FTS5
 * stores terms prefix-compressed, so a raw byte search for a word proves little
 * in a big index; its vocabulary does.
 */
function indexedTerms(path: string): Set<string> {
  const db = new Database(path, { readonly: true });
  try {
    db.exec(`CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, tickets_fts, 'row')`);
    return new Set((db.prepare('SELECT term FROM temp.vocab').all() as { term: string }[]).map((r) => r.term));
  } finally {
    db.close();
  }
}

describe('SqliteTicketReadModel erasure, on disk', () => {
  it('leaves no byte of the erased views in the file or its WAL, old versions of rows and a rebuilt table included', async () => {
    const path = tempFile();
    const readModel = new SqliteTicketReadModel(path);
    const uuid = 'c0ffee00-1111-4222-8333-444455556666';
    const theirs = [personalView(uuid), personalView(uuid, { requestedAt: 1_700_000_100_000 })];
    const others = Array.from({ length: 200 }, (_, i) => personalView(`other-${i}`, { requestedAt: 1_700_000_000_000 + i * 7 }));
    try {
      // Every status change rewrites a row: its earlier versions sit in freed space unless zeroed.
      for (const view of [...theirs, ...others]) await readModel.upsert({ view, revision: 0 });
      for (const [revision, ticketStatus] of [
        [1, 'new'],
        [2, 'open'],
        [3, 'pending'],
      ] as const) {
        for (const view of theirs) await readModel.upsert({ view: { ...view, ticketStatus }, revision });
      }
      // A rebuild copies the tables and drops the old ones: their pages are freed too.
      const rebuild = await readModel.beginRebuild();
      await rebuild.write([...theirs, ...others].map((view) => ({ stored: { view: { ...view, ticketStatus: 'pending' }, revision: 3 }, isNew: true })));
      await rebuild.swap(async () => {});
      await readModel.upsert({ view: { ...theirs[0]!, ticketStatus: 'solved' }, revision: 4 });

      const before = rawBytes(path);
      for (const view of theirs) for (const trace of traces(view)) expect(before.includes(trace), `before erasure: ${trace}`).toBe(true);
      const termsBefore = indexedTerms(path);
      for (const view of theirs) for (const word of ownWords(view)) expect(termsBefore.has(word), `indexed before: ${word}`).toBe(true);

      expect(await readModel.eraseSubject(uuid)).toBe(2);

      const after = rawBytes(path);
      for (const view of theirs) for (const trace of traces(view)) expect(after.includes(trace), `after erasure: ${trace}`).toBe(false);
      const termsAfter = indexedTerms(path);
      for (const view of theirs) for (const word of ownWords(view)) expect(termsAfter.has(word), `indexed after: ${word}`).toBe(false);
      for (const word of ownWords(others[3]!)) expect(termsAfter.has(word), `other user's word: ${word}`).toBe(true);
      // Others untouched, on disk too (the search above finds what is there).
      for (const trace of traces(others[0]!)) expect(after.includes(trace), `other user: ${trace}`).toBe(true);
      expect((await readModel.search({ email: others[7]!.email }, { offset: 0, limit: 5 })).items.map((v) => v.recordId)).toEqual([others[7]!.recordId]);
      expect((await readModel.search({ q: 'secretword' }, { offset: 0, limit: 5 })).items).toEqual([]);
    } finally {
      await readModel.close();
    }
    const closed = rawBytes(path);
    for (const view of theirs) for (const trace of traces(view)) expect(closed.includes(trace), `after close: ${trace}`).toBe(false);
  });

  it('remembers an erased subject across a restart: a late write of its view is stored anonymised', async () => {
    const path = tempFile();
    const uuid = 'c0ffee00-aaaa-4bbb-8ccc-ddddeeeeffff';
    const view = personalView(uuid);
    const first = new SqliteTicketReadModel(path);
    await first.upsert({ view, revision: 0 });
    await first.eraseSubject(uuid);
    await first.close();

    const again = new SqliteTicketReadModel(path);
    try {
      const late = personalView(uuid);
      expect(await again.upsert({ view: late, revision: 0 })).toBe(true);
      expect((await again.get(late.recordId))!.view).toMatchObject({ uuid: ERASED, email: ERASED, message: ERASED });
      expect((await again.search({ email: late.email }, { offset: 0, limit: 5 })).items).toEqual([]);
      const stranger = sampleView();
      await again.upsert({ view: stranger, revision: 0 });
      expect((await again.get(stranger.recordId))!.view).toEqual(stranger);
    } finally {
      await again.close();
    }
    // A small index stores its terms whole: here the raw bytes show the words are gone too.
    for (const trace of [...traces(view), ...ownWords(view)]) expect(rawBytes(path).includes(trace), trace).toBe(false);
  });

  it('migrates a layout 4 file (a contentless_delete word index) by rebuilding only its word index, every ticket kept', async () => {
    const path = tempFile();
    const uuid = 'c0ffee00-4444-4555-8666-777788889999';
    const theirs = personalView(uuid, { requestedAt: 1_600_000_000_000 });
    // More than one chunk of the migration (2,000 rows).
    const views = [theirs, ...Array.from({ length: 2_500 }, (_, i) => personalView(`other-${i}`, { requestedAt: 1_700_000_000_000 + i }))];
    const writer = new SqliteTicketReadModel(path);
    const rebuild = await writer.beginRebuild();
    await rebuild.write(views.map((view) => ({ stored: { view, revision: 0 }, isNew: true })));
    await rebuild.swap(async () => {});
    await writer.close();
    // Layout 4 exactly as the build before stored words: a contentless_delete index.
    const db = new Database(path);
    db.exec(
      `DROP TABLE tickets_fts; CREATE VIRTUAL TABLE tickets_fts USING fts5(words, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')`,
    );
    const insert = db.prepare('INSERT INTO tickets_fts (rowid, words) VALUES (?, ?)');
    for (const row of db.prepare('SELECT id, doc FROM tickets').all() as { id: number; doc: string }[]) {
      const view = JSON.parse(row.doc) as TicketView;
      insert.run(row.id, [...new Set([...textWords(view.subject), ...textWords(view.message)])].join(' '));
    }
    db.pragma('user_version = 4');
    db.close();

    const readModel = new SqliteTicketReadModel(path);
    try {
      const reopened = new Database(path, { readonly: true });
      expect(reopened.pragma('user_version', { simple: true })).toBe(5);
      expect((reopened.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n).toBe(views.length);
      expect((reopened.prepare(`SELECT sql FROM sqlite_master WHERE name = 'tickets_fts'`).get() as { sql: string }).sql).not.toContain('contentless_delete');
      reopened.close();
      const last = views.at(-1)!;
      expect((await readModel.search({ q: ownWords(last)[0]! }, { offset: 0, limit: 5 })).items.map((v) => v.recordId)).toEqual([last.recordId]);
      expect(indexedTerms(path).has(ownWords(theirs)[0]!)).toBe(true);
      expect(await readModel.eraseSubject(uuid)).toBe(1);
      for (const word of ownWords(theirs)) expect(indexedTerms(path).has(word), word).toBe(false);
      for (const trace of traces(theirs)) expect(rawBytes(path).includes(trace), trace).toBe(false);
      expect((await readModel.search({ category: 'crash' }, { offset: 0, limit: 1 })).total).toBe(views.length);
    } finally {
      await readModel.close();
    }
  }, 120_000);
});
