import { openSqliteDatabase, type SqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { CheckpointStore } from '../event-store.port';

/** Checkpoints in a SQLite file (by default the event store's own file). */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: SqliteDatabase;

  constructor(pathOrDb: string | SqliteDatabase) {
    this.db = typeof pathOrDb === 'string' ? openSqliteDatabase(pathOrDb) : pathOrDb;
    this.db.exec('CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL)');
  }

  async load(name: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT position FROM checkpoints WHERE name = ?').get(name) as { position: string } | undefined;
    return row?.position;
  }

  async store(name: string, position: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
      )
      .run(name, position, Date.now());
  }
}
