import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * One way to open the embedded SQLite files: WAL so readers never block the
 * writer, a busy timeout so separate processes (stack mode without EventStoreDB)
 * can share a file, and NORMAL sync, which is durable across process crashes in WAL.
 */
export function openSqliteDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

export type SqliteDatabase = Database.Database;
