import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleView } from '../testing';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rm-counts-'));
  dirs.push(dir);
  return join(dir, 'read-model.db');
}

const OLD_INSERT_TRIGGER = `
  CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_counts (field, value, n)
      VALUES ('*', '', 1), ('ticketStatus', NEW.ticket_status_key, 1), ('syncStatus', NEW.sync_status, 1), ('category', NEW.category_key, 1)
      ON CONFLICT (field, value) DO UPDATE SET n = n + 1;
  END`;

describe('SqliteTicketReadModel counts (X-Total-Count)', () => {
  it('counts each insert once on a file that still has the insert trigger of earlier builds (dropped on open)', async () => {
    const path = tempPath();
    const first = new SqliteTicketReadModel(path);
    await first.upsertMany([0, 1].map((i) => ({ view: sampleView({ recordId: `rec-${i}`, category: 'crash' }), revision: 0 })));
    await first.close();
    // The file as an earlier build left it: inserts counted by a trigger.
    const raw = new Database(path);
    raw.exec(OLD_INSERT_TRIGGER);
    raw.close();

    const again = new SqliteTicketReadModel(path);
    try {
      await again.upsert({ view: sampleView({ recordId: 'rec-2', category: 'crash' }), revision: 0 });
      await again.upsertMany([{ view: sampleView({ recordId: 'rec-3', category: 'crash' }), revision: 0 }]);
      await again.upsert({ view: sampleView({ recordId: 'rec-0', category: 'crash', ticketStatus: 'open' }), revision: 1 });
      const page = { offset: 0, limit: 1 };
      expect((await again.search({}, page)).total).toBe(4);
      expect((await again.search({ category: 'crash' }, page)).total).toBe(4);
      expect((await again.search({ ticketStatus: 'open' }, page)).total).toBe(1);
      expect((await again.search({ ticketStatus: 'CREATED' }, page)).total).toBe(3);
    } finally {
      await again.close();
    }
    const check = new Database(path, { readonly: true });
    const triggers = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string }[];
    check.close();
    expect(triggers.map((t) => t.name)).toEqual(['tickets_count_update']);
  });
});
