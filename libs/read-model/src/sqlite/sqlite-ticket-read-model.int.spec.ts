import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { pageAll, sampleView, ticketReadModelContract } from '../testing';
import { searchKeys } from '../ticket-read-model.port';
import { fromV0Document, type TicketDocumentV0 } from '../ticket-view.v0';
import { KEY_COLUMNS, KEY_FIELDS } from './sqlite-layout';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-sqlite-'));
  dirs.push(dir);
  return join(dir, 'read-model.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

ticketReadModelContract('sqlite file', async () => {
  const path = tempFile();
  return {
    readModel: new SqliteTicketReadModel(path),
    // A v0 document (the write side's ticket) in `doc`, as builds before versioned views stored it.
    storeV0Document: async (doc: TicketDocumentV0, revision: number) => {
      const k = searchKeys(fromV0Document(doc));
      const db = new Database(path);
      try {
        db.prepare(
          `INSERT INTO tickets (record_id, revision, created_at, ${KEY_FIELDS.map((f) => KEY_COLUMNS[f]).join(', ')}, doc)
           VALUES (?, ?, ?, ${KEY_FIELDS.map(() => '?').join(', ')}, ?)`,
        ).run(doc.recordId, revision, doc.requestedAt, ...KEY_FIELDS.map((f) => k[f]), JSON.stringify(doc));
      } finally {
        db.close();
      }
    },
  };
});

describe('SqliteTicketReadModel layout', () => {
  it('migrates a layout 1 file (before free text and status filters) on open, keeping every view', async () => {
    const path = tempFile();
    const views = [sampleView({ subject: 'Migrated crash', category: 'Old' }), sampleView({ sync: { status: 'FAILED', reason: 'x' } })];
    const db = new Database(path);
    // Layout 1 exactly as earlier builds created it.
    db.exec(`
      CREATE TABLE tickets (record_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, created_at INTEGER NOT NULL, uuid_key TEXT NOT NULL,
        udid_key TEXT NOT NULL, email_key TEXT NOT NULL, phone_key TEXT NOT NULL, ticket_id_key TEXT NOT NULL, zendesk_ticket_id_key TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX tickets_uuid ON tickets (uuid_key, created_at DESC);
      CREATE INDEX tickets_created ON tickets (created_at DESC, record_id DESC);
    `);
    for (const [i, view] of views.entries()) {
      const k = searchKeys(view);
      db.prepare('INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        view.recordId,
        i + 1,
        view.requestedAt,
        k.uuid,
        k.udid,
        k.email,
        k.phone,
        k.ticketId,
        k.zendeskTicketId,
        JSON.stringify(view),
      );
    }
    db.close();

    const readModel = new SqliteTicketReadModel(path);
    try {
      expect(await readModel.get(views[0]!.recordId)).toEqual({ view: views[0], revision: 1 });
      expect((await readModel.search({ q: 'migrated', category: 'old' }, { offset: 0, limit: 5 })).items).toEqual([views[0]]);
      expect((await readModel.search({ syncStatus: 'FAILED' }, { offset: 0, limit: 5 })).items).toEqual([views[1]]);
      expect((await readModel.search({ uuid: views[1]!.uuid }, { offset: 0, limit: 5 })).total).toBe(1);
    } finally {
      await readModel.close();
    }
    const reopened = new Database(path);
    expect(reopened.pragma('user_version', { simple: true })).toBe(5);
    reopened.close();
  });

  it('migrates a file of an earlier layout with its row id as primary key, every ticket of it (more than one chunk of 2,000)', async () => {
    const path = tempFile();
    const first = new SqliteTicketReadModel(path);
    const views = Array.from({ length: 2_345 }, (_, i) => sampleView({ requestedAt: 1_700_000_000_000 + i, category: i % 2 ? 'odd' : 'even' }));
    const copy = await first.beginRebuild();
    await copy.write(views.map((view) => ({ stored: { view, revision: 0 }, isNew: true })));
    await copy.swap(async () => {});
    await first.close();
    const db = new Database(path);
    db.pragma('user_version = 4'); // as a file of layout 4 (id INTEGER PRIMARY KEY, the row id) is opened by a later build
    db.close();

    const readModel = new SqliteTicketReadModel(path);
    try {
      expect((await readModel.search({}, { offset: 0, limit: 1 })).total).toBe(2_345);
      expect(await readModel.get(views.at(-1)!.recordId)).toEqual({ view: views.at(-1), revision: 0 });
      expect((await readModel.search({ category: 'odd' }, { offset: 0, limit: 3 })).items.map((v) => v.recordId)).toEqual(
        [views[2_343], views[2_341], views[2_339]].map((v) => v!.recordId),
      );
    } finally {
      await readModel.close();
    }
    const reopened = new Database(path);
    expect(reopened.pragma('user_version', { simple: true })).toBeGreaterThan(4);
    reopened.close();
  });

  it('swaps a rebuilt copy in under another connection to the same file (another process), which then reads and writes the new tables', async () => {
    const path = tempFile();
    const rebuilder = new SqliteTicketReadModel(path);
    const server = new SqliteTicketReadModel(path);
    try {
      const old = sampleView({ subject: 'old words' });
      await server.upsert({ view: old, revision: 0 });
      expect((await server.search({ q: 'old' }, { offset: 0, limit: 5 })).total).toBe(1); // statements prepared on the old tables
      const copy = await rebuilder.beginRebuild();
      const fresh = sampleView({ subject: 'fresh words' });
      await copy.write([{ stored: { view: fresh, revision: 0 }, isNew: true }]);
      await copy.swap(async () => {});
      expect((await server.search({ q: 'fresh' }, { offset: 0, limit: 5 })).items).toEqual([fresh]);
      expect((await server.search({ q: 'old' }, { offset: 0, limit: 5 })).items).toEqual([]);
      const later = sampleView({ subject: 'later words' });
      expect(await server.upsert({ view: later, revision: 0 })).toBe(true);
      expect((await rebuilder.search({ q: 'words' }, { offset: 0, limit: 5 })).total).toBe(2);
    } finally {
      await server.close();
      await rebuilder.close();
    }
  });

  it('reads every filtered search from an index in sort order: no table scan, no sort', async () => {
    const readModel = new SqliteTicketReadModel(tempFile());
    try {
      for (let i = 0; i < 50; i++) await readModel.upsert({ view: sampleView({ requestedAt: 1_700_000_000_000 + i }), revision: 0 });
      const queries = [
        ...KEY_FIELDS.map((field) => ({ [field]: field === 'syncStatus' ? 'PENDING' : 'x' })),
        { createdFrom: 1, createdTo: 2 },
        { q: 'crashes' },
        { q: 'crashes', category: 'crash', createdFrom: 1 },
        { uuid: 'x', syncStatus: 'FAILED' as const, category: 'y' },
        { uuid: 'x', q: 'crashes' },
        { syncStatus: 'SYNCED' as const, ticketStatus: 'solved', category: 'crash' },
        { syncStatus: 'SYNCED' as const, ticketStatus: 'solved', category: 'crash', createdFrom: 1 },
        { syncStatus: 'SYNCED' as const, ticketStatus: 'solved' },
        { ticketStatus: 'solved', category: 'crash' },
      ];
      // Beside a key, statuses and category never take over (every row here has category crash: no statistics needed).
      expect(readModel.explainSearch({ category: 'crash', syncStatus: 'PENDING', email: 'x' }, { offset: 0, limit: 20 }).join('\n')).toMatch(/_email_key/);
      for (const query of queries) {
        for (const page of [
          { offset: 0, limit: 20 },
          { after: { createdAt: 5, recordId: 'r' }, limit: 20 },
        ]) {
          const plan = readModel.explainSearch(query, page).join('\n');
          expect(plan, JSON.stringify(query)).not.toMatch(/SCAN t$|SCAN t\n|TEMP B-TREE/m);
          expect(plan, JSON.stringify(query)).toMatch(/SEARCH t USING|SCAN tickets_fts VIRTUAL TABLE/);
        }
      }
      // All three statuses: their own index, for the page and the count (no row read).
      expect(readModel.explainSearch({ syncStatus: 'SYNCED', ticketStatus: 'solved', category: 'crash' }, { offset: 0, limit: 20 }).join('\n')).toMatch(
        /^page: .*SEARCH t USING COVERING INDEX \S+_statuses \(sync_status=\? AND ticket_status_key=\? AND category_key=\?\)\n(.|\n)*count: .*SEARCH t USING COVERING INDEX \S+_statuses/m,
      );
      // Unfiltered: the table itself, in row id order.
      expect(readModel.explainSearch({}, { offset: 0, limit: 20 }).join('\n')).not.toMatch(/TEMP B-TREE/);
    } finally {
      await readModel.close();
    }
  });

  it('reads free text from the word index newest first, checks a customer key first, and caps the count', async () => {
    const readModel = new SqliteTicketReadModel(tempFile());
    try {
      const common = Array.from({ length: 400 }, (_, i) =>
        sampleView({ requestedAt: 1_700_000_000_000 + i, uuid: `user-${i % 4}`, message: `common words ${i % 2 ? 'odd' : 'even'}` }),
      );
      for (const view of common) await readModel.upsert({ view, revision: 0 });
      const rare = sampleView({ requestedAt: 1_600_000_000_000, message: 'a rare zyzzyva' });
      await readModel.upsert({ view: rare, revision: 0 });
      expect(readModel.explainSearch({ q: 'common' }, { offset: 0, limit: 20 }).join('\n')).toMatch(/^page: +SCAN tickets_fts VIRTUAL TABLE/m);
      expect(readModel.explainSearch({ q: 'common', uuid: 'user-1' }, { offset: 0, limit: 20 }).join('\n')).toMatch(
        /SEARCH t USING (COVERING )?INDEX \S+_uuid_key/,
      );
      expect((await readModel.search({ q: 'zyzzyva' }, { offset: 0, limit: 20 })).items.map((v) => v.recordId)).toEqual([rare.recordId]);
      const odd = common
        .filter((_, i) => i % 2)
        .reverse()
        .map((v) => v.recordId);
      expect(await pageAll(readModel, { q: 'common odd' }, 37)).toEqual(odd);
      expect(await pageAll(readModel, { q: 'odd', uuid: 'USER-1' }, 7)).toEqual(
        common
          .filter((_, i) => i % 4 === 1)
          .reverse()
          .map((v) => v.recordId),
      );
      expect((await readModel.search({ q: 'words' }, { offset: 0, limit: 1 })).total).toBe(400);
    } finally {
      await readModel.close();
    }
  });

  it('adds the three-status index to a layout 4 file made without it, and pages all three alike by offset and cursor', async () => {
    const path = tempFile();
    const first = new SqliteTicketReadModel(path);
    const views = Array.from({ length: 60 }, (_, i) =>
      sampleView({
        requestedAt: 1_700_000_000_000 + i,
        category: i % 2 ? 'Crash' : 'login',
        ticketStatus: i % 3 ? 'solved' : 'open',
        sync: i % 5 ? { status: 'SYNCED', zendeskTicketId: String(i) } : { status: 'PENDING' },
      }),
    );
    for (const view of views) await first.upsert({ view, revision: 0 });
    await first.close();
    const db = new Database(path);
    const statusesIndex = () =>
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'`)
        .all()
        .map((r) => (r as { name: string }).name)
        .filter((n) => n.endsWith('_statuses'));
    expect(statusesIndex()).toHaveLength(1);
    db.exec(`DROP INDEX ${statusesIndex()[0]}`); // as files of layout 4 were before it
    expect(statusesIndex()).toHaveLength(0);

    const readModel = new SqliteTicketReadModel(path);
    try {
      expect(statusesIndex()).toHaveLength(1);
      const query = { syncStatus: 'SYNCED' as const, ticketStatus: 'SOLVED', category: 'crash' };
      const expected = views
        .filter((v, i) => i % 2 && i % 3 && i % 5)
        .reverse()
        .map((v) => v.recordId);
      expect(expected.length).toBeGreaterThan(5);
      expect(await pageAll(readModel, query, 4)).toEqual(expected);
      const byOffset = await readModel.search(query, { offset: 3, limit: 4 });
      expect(byOffset.items.map((v) => v.recordId)).toEqual(expected.slice(3, 7));
      expect(byOffset.total).toBe(expected.length);
    } finally {
      await readModel.close();
      db.close();
    }
  });

  it('orders tickets of one millisecond as they were stored, the same on every page', async () => {
    const readModel = new SqliteTicketReadModel(tempFile());
    try {
      const sameMs = Array.from({ length: 30 }, () => sampleView({ requestedAt: 1_700_000_000_000, category: 'tie' }));
      for (const view of sameMs) await readModel.upsert({ view, revision: 0 });
      const stored = sameMs.map((v) => v.recordId).reverse();
      expect((await readModel.search({ category: 'tie' }, { offset: 0, limit: 50 })).items.map((v) => v.recordId)).toEqual(stored);
      expect(await pageAll(readModel, { category: 'tie' }, 4)).toEqual(stored);
    } finally {
      await readModel.close();
    }
  });

  it('counts everything, and each status or category alone, from its counts table; other searches up to 1,000', async () => {
    const readModel = new SqliteTicketReadModel(tempFile());
    try {
      const views = Array.from({ length: 1_100 }, (_, i) => sampleView({ requestedAt: 1_700_000_000_000 + i, category: i < 1_050 ? 'Crash' : 'login' }));
      const copy = await readModel.beginRebuild(); // the bulk path: triggers count there too
      await copy.write(views.slice(0, 1_000).map((view) => ({ stored: { view, revision: 0 }, isNew: true })));
      await copy.swap(async (upsert) => {
        for (const view of views.slice(1_000)) await upsert({ view, revision: 0 });
      });
      const total = async (query: object) => (await readModel.search(query, { offset: 0, limit: 1 })).total;
      expect(await total({})).toBe(1_100);
      expect(await total({ category: 'CRASH' })).toBe(1_050);
      expect(await total({ syncStatus: 'PENDING' })).toBe(1_100);
      expect(await total({ ticketStatus: 'solved' })).toBe(0);
      // Status and sync changes move the counts.
      for (const view of views.slice(0, 30)) {
        await readModel.upsert({ view: { ...view, ticketStatus: 'solved', sync: { status: 'SYNCED', zendeskTicketId: view.recordId } }, revision: 1 });
      }
      await readModel.upsert({ view: { ...views[0]!, ticketStatus: 'closed', sync: { status: 'SYNCED', zendeskTicketId: '1' } }, revision: 2 });
      expect(await total({ ticketStatus: 'SOLVED' })).toBe(29);
      expect(await total({ ticketStatus: 'closed' })).toBe(1);
      expect(await total({ syncStatus: 'SYNCED' })).toBe(30);
      expect(await total({ syncStatus: 'PENDING' })).toBe(1_070);
      // Two of them, or a date range: counted up to 1,000, else left out.
      expect(await total({ category: 'crash', syncStatus: 'SYNCED' })).toBe(30);
      expect(await total({ category: 'crash', syncStatus: 'PENDING' })).toBeUndefined();
      expect(await total({ createdFrom: 1_700_000_000_000, createdTo: 1_700_000_000_500 })).toBe(500);
      expect(await total({ createdFrom: 1_700_000_000_000 })).toBeUndefined();
      expect(readModel.explainSearch({ syncStatus: 'FAILED' }, { offset: 0, limit: 20 }).join('\n')).toMatch(/count: +SEARCH tickets_counts USING PRIMARY KEY/);
    } finally {
      await readModel.close();
    }
  });
});
