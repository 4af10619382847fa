import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { openSqliteDatabase, type SqliteDatabase } from '@support-desk/service-kit/sqlite';
import {
  checkExpectedRevision,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type ExpectedRevision,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store.port';
import { SubscriptionRegistry } from '../subscription-registry';
import { SqliteSubscription } from './sqlite-subscription';

type EventRow = {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL UNIQUE,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;

/**
 * Event store on one SQLite file. Appends run in an IMMEDIATE transaction, so the
 * revision check and the insert are atomic even across processes sharing the file.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: SqliteDatabase;
  private readonly appended = new EventEmitter().setMaxListeners(0);
  private readonly subscriptions = new SubscriptionRegistry();

  constructor(
    path: string,
    private readonly options: { pollIntervalMs?: number; now?: () => number } = {},
  ) {
    this.db = openSqliteDatabase(path);
    this.db.exec(SCHEMA);
  }

  async append(streamId: string, events: NewEvent[], { expectedRevision }: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const now = (this.options.now ?? Date.now)();
    const currentRevision = this.db.prepare('SELECT MAX(revision) AS r FROM events WHERE stream_id = ?');
    const insert = this.db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const write = this.db.transaction((): AppendResult => {
      const row = currentRevision.get(streamId) as { r: number | null };
      const current = row.r ?? 'no_stream';
      checkExpectedRevision(streamId, expectedRevision, current);
      let revision = current === 'no_stream' ? -1 : current;
      let position = 0;
      for (const event of events) {
        revision += 1;
        const info = insert.run(
          event.id ?? randomUUID(),
          streamId,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata ?? {}),
          now,
        );
        position = Number(info.lastInsertRowid);
      }
      return { nextExpectedRevision: revision, position: String(position) };
    });
    const result = write.immediate();
    this.appended.emit('appended');
    return result;
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const rows = this.db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as EventRow[];
    return rows.map(toRecorded);
  }

  /** Up to `limit` events after `position`, optionally only from streams with a prefix. */
  readAllAfter(position: number, limit: number, streamPrefix?: string): RecordedEvent[] {
    const rows = streamPrefix
      ? (this.db
          .prepare('SELECT * FROM events WHERE position > ? AND substr(stream_id, 1, ?) = ? ORDER BY position LIMIT ?')
          .all(position, streamPrefix.length, streamPrefix, limit) as EventRow[])
      : (this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?').all(position, limit) as EventRow[]);
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): EventSubscription {
    // Appends in this process wake subscribers at once; appends by other processes sharing
    // the file (stack mode) are seen by polling, so the interval bounds their latency.
    const subscription = new SqliteSubscription(this, this.appended, options, handler, this.options.pollIntervalMs ?? 20);
    return this.subscriptions.track(subscription);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    if (this.db.open) this.db.close();
  }

  /** Exposed for the checkpoint store, which keeps its table in the same file. */
  get database(): SqliteDatabase {
    return this.db;
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    revision: row.revision,
    position: String(row.position),
    recordedAt: row.recorded_at,
  };
}
