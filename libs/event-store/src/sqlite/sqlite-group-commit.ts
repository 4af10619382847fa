import type { SqliteDatabase } from '@support-desk/service-kit/sqlite';
import { checkExpectedRevision, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision } from '../event-store.port';

/** One event ready to insert: ids chosen and JSON serialised before it is queued. */
export type EventRowInput = { id: string; type: string; data: string; metadata: string };

/** What the writes of one batch share: stream revisions written by earlier appends of the batch. */
type Batch = { revisions: Map<string, number>; appended: boolean };

type PendingWrite = {
  /** Runs inside the batch transaction; an error it throws fails this write alone (see writeAll). */
  run(batch: Batch): unknown;
  resolve(result: unknown): void;
  reject(error: unknown): void;
};

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Most writes in one transaction: bounds how long one commit blocks the event loop. */
const MAX_BATCH = 1_000;

/** The group commit of each database an event store has open, so other writers on that file can join it. */
const byDatabase = new WeakMap<SqliteDatabase, SqliteGroupCommit>();

/** The group commit an event store runs on `db`, if any (the checkpoint store joins it). */
export function groupCommitOf(db: SqliteDatabase): SqliteGroupCommit | undefined {
  return byDatabase.get(db);
}

/**
 * Group commit: the writes that arrive while the event loop is busy (one poll
 * phase's worth of requests) go into ONE IMMEDIATE transaction, so they share one
 * WAL commit and, when durable, one fsync. Each caller is answered after that
 * COMMIT. An append's expected revision is checked inside the transaction against
 * the stream as it stands, earlier appends of the same batch included; an append
 * that fails its check (or its insert) is left out and rejected alone, the rest
 * of the batch commits.
 *
 * No timer: the batch is flushed by setImmediate, i.e. right after the I/O that
 * queued it, so a lone append waits for nothing.
 */
export class SqliteGroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly currentRevision;
  private readonly insert;
  private readonly writeBatch;
  private readonly appendAtomically;
  /** Transactions committed and the writes they carried, for tests and metrics. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly onCommitted: () => void,
  ) {
    this.currentRevision = db.prepare<[string], { r: number | null }>('SELECT MAX(revision) AS r FROM events WHERE stream_id = ?');
    this.insert = db.prepare('INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.writeBatch = db.transaction((writes: PendingWrite[], batch: Batch) => this.writeAll(writes, batch));
    // Nested in writeBatch, better-sqlite3 runs this as a SAVEPOINT: a failed multi-event append rolls back alone.
    this.appendAtomically = db.transaction((streamId: string, events: EventRowInput[], from: number, recordedAt: number) =>
      this.insertEvents(streamId, events, from, recordedAt),
    );
    byDatabase.set(db, this);
  }

  append(streamId: string, events: EventRowInput[], expectedRevision: ExpectedRevision, recordedAt: number): Promise<AppendResult> {
    return this.write((batch) => {
      const current = batch.revisions.get(streamId) ?? this.currentRevision.get(streamId)!.r ?? 'no_stream';
      checkExpectedRevision(streamId, expectedRevision, current);
      const from = current === 'no_stream' ? 0 : current + 1;
      // One INSERT is atomic by itself (a failed statement is undone alone); several need a savepoint.
      const result = events.length === 1 ? this.insertEvents(streamId, events, from, recordedAt) : this.appendAtomically(streamId, events, from, recordedAt);
      batch.revisions.set(streamId, result.nextExpectedRevision);
      batch.appended = true;
      return result;
    });
  }

  /** Any other write to the same file (a checkpoint) rides in the next batch instead of paying its own commit. */
  write<T>(run: (batch: Batch) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (r: unknown) => void, reject });
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Writes whatever is queued now (also used by close(), so nothing queued is dropped). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    while (this.queue.length > 0) this.commit(this.queue.splice(0, MAX_BATCH));
  }

  private commit(writes: PendingWrite[]): void {
    let outcomes: Outcome[];
    const batch: Batch = { revisions: new Map(), appended: false };
    try {
      outcomes = this.writeBatch.immediate(writes, batch);
    } catch (error) {
      // Nothing of the batch was committed (busy past the timeout, disk full, I/O error, closed): all fail.
      for (const write of writes) write.reject(error);
      return;
    }
    this.stats.commits += 1;
    let written = 0;
    writes.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return write.reject(outcome.error);
      written += 1;
      write.resolve(outcome.value);
    });
    this.stats.writes += written;
    // Only new events wake subscribers; a checkpoint alone gives them nothing to read.
    if (batch.appended) this.onCommitted();
  }

  /** Runs inside the batch transaction; returns each write's result or its own error. */
  private writeAll(writes: PendingWrite[], batch: Batch): Outcome[] {
    return writes.map((write) => {
      try {
        return { ok: true, value: write.run(batch) };
      } catch (error) {
        // Some errors (I/O, full disk) make SQLite roll back the whole transaction: then the batch fails as one.
        if (!(error instanceof WrongExpectedRevisionError) && !this.db.inTransaction) throw error;
        return { ok: false, error };
      }
    });
  }

  private insertEvents(streamId: string, events: EventRowInput[], from: number, recordedAt: number): AppendResult {
    let position = 0;
    events.forEach((event, i) => {
      const info = this.insert.run(event.id, streamId, from + i, event.type, event.data, event.metadata, recordedAt);
      position = Number(info.lastInsertRowid);
    });
    return { nextExpectedRevision: from + events.length - 1, position: String(position) };
  }
}
