import Database from 'better-sqlite3';
import { encodePosition } from './postgres-position';
import type { PostgresEventStore } from './postgres-event-store';

export type CopyProgress = {
  /** SQLite events looked at so far (copied or found already there). */
  done: number;
  /** SQLite events in total (grows if the file is still being written). */
  total: number;
  copied: number;
  alreadyThere: number;
};

export type CheckpointOutcome =
  /** Not asked to copy checkpoints (the default): the consumers behind them start from the beginning. */
  | 'skipped'
  /** Written to PostgreSQL, pointing at the same event. */
  | 'copied'
  /** PostgreSQL already had this checkpoint at the same event. */
  | 'unchanged'
  /** PostgreSQL already had a different position for it (a service ran there): left alone. */
  | 'kept'
  /** No event at that SQLite position (not an event store checkpoint): skipped. */
  | 'no-such-event';

export type CopyResult = CopyProgress & {
  checkpoints: { name: string; outcome: CheckpointOutcome; position?: string }[];
  /** True when stopped by the signal before the end; run again to resume. */
  interrupted: boolean;
};

type SqliteEventRow = {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
};

/**
 * Copies an embedded SQLite event store (SqliteEventStore's file) and its
 * checkpoints into a PostgreSQL one, keeping event ids, streams, revisions, data
 * (byte for byte), metadata, times and order.
 *
 * Idempotent and resumable: batches go in SQLite order, each in one transaction,
 * and an event whose id is already there is skipped (after checking it sits at
 * the same stream and revision), so a rerun after a crash or Ctrl-C picks up
 * where the last committed batch ended and a rerun after success copies nothing.
 * Checkpoints are copied only when asked (`copyCheckpoints`), once every event
 * is, translated to the PostgreSQL position of the same event; a checkpoint
 * PostgreSQL already has is left alone. Ask only when what the checkpoints stand
 * for stays: a stack already running on the shared SQLite file, whose relay has
 * published to the same Kafka topic. From `npm start` (in-process bus, embedded
 * read model) to stack mode, a copied "relay" checkpoint would keep every earlier
 * ticket out of the new read model; left out, the relay publishes from the
 * start, which the idempotent consumers absorb.
 *
 * Stop the services writing to the SQLite file first (a rerun copies what they
 * added meanwhile, but only a final run with nothing writing is complete).
 */
export async function copySqliteToPostgres(options: {
  from: string;
  to: PostgresEventStore;
  batchSize?: number;
  /** Also copy the checkpoints (see above). Default false. */
  copyCheckpoints?: boolean;
  onProgress?: (progress: CopyProgress) => void;
  signal?: AbortSignal;
}): Promise<CopyResult> {
  const { to, batchSize = 1_000 } = options;
  const sqlite = openReadOnly(options.from);
  try {
    if (!hasTable(sqlite, 'events')) throw new Error(`${options.from} has no events table: not an event store file`);
    const count = sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
    const batches = sqlite.prepare<[number, number], SqliteEventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    const progress: CopyProgress = { done: 0, total: count.get()!.n, copied: 0, alreadyThere: 0 };
    options.onProgress?.({ ...progress });

    for (let after = 0; ; ) {
      if (options.signal?.aborted) return { ...progress, checkpoints: [], interrupted: true };
      const rows = batches.all(after, batchSize);
      if (rows.length === 0) break;
      const copied = await copyBatch(to, rows);
      progress.done += rows.length;
      progress.copied += copied;
      progress.alreadyThere += rows.length - copied;
      progress.total = Math.max(progress.total, progress.done, count.get()!.n);
      options.onProgress?.({ ...progress });
      after = rows[rows.length - 1]!.position;
    }
    const checkpoints = await copyCheckpoints(sqlite, to, options.copyCheckpoints ?? false);
    return { ...progress, checkpoints, interrupted: false };
  } finally {
    sqlite.close();
  }
}

/** One transaction; returns how many events were new. */
async function copyBatch(to: PostgresEventStore, rows: SqliteEventRow[]): Promise<number> {
  const t = to.tables;
  const ids = rows.map((r) => r.event_id);
  const streams = rows.map((r) => r.stream_id);
  const revisions = rows.map((r) => r.revision);
  const [result] = await to.query<{ copied: number }>(
    'copying events',
    {
      name: 'eventstore_copy_batch',
      text: `
        WITH inserted AS (
          INSERT INTO ${t.events} (event_id, stream_id, revision, type, data, metadata, recorded_at)
          SELECT e.event_id, e.stream_id, e.revision, e.type, e.data, e.metadata, timestamptz 'epoch' + e.recorded_at * interval '1 millisecond'
          FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::json[], $6::json[], $7::bigint[])
            WITH ORDINALITY AS e(event_id, stream_id, revision, type, data, metadata, recorded_at, n)
          ORDER BY e.n
          ON CONFLICT ON CONSTRAINT events_event_id_key DO NOTHING
          RETURNING 1
        ), notified AS (
          SELECT pg_notify($8, '') FROM (SELECT 1 FROM inserted LIMIT 1) AS any_row
        )
        SELECT (SELECT count(*) FROM inserted)::integer AS copied, (SELECT count(*) FROM notified) AS notified`,
    },
    [ids, streams, revisions, rows.map((r) => r.type), rows.map((r) => r.data), rows.map((r) => r.metadata), rows.map((r) => r.recorded_at), t.channel],
  );
  const copied = result!.copied;
  if (copied < rows.length) await checkAlreadyThere(to, ids, streams, revisions);
  return copied;
}

/** An id already in PostgreSQL must be the same event, not a clash with other data. */
async function checkAlreadyThere(to: PostgresEventStore, ids: string[], streams: string[], revisions: number[]): Promise<void> {
  const clashes = await to.query<{ event_id: string; stream_id: string; revision: number }>(
    'checking copied events',
    {
      name: 'eventstore_copy_check',
      text: `SELECT p.event_id, p.stream_id, p.revision
        FROM unnest($1::text[], $2::text[], $3::integer[]) AS e(event_id, stream_id, revision)
        JOIN ${to.tables.events} p ON p.event_id = e.event_id
        WHERE p.stream_id <> e.stream_id OR p.revision <> e.revision
        LIMIT 5`,
    },
    [ids, streams, revisions],
  );
  if (clashes.length > 0) {
    const list = clashes.map((c) => `${c.event_id} (${c.stream_id}@${c.revision})`).join(', ');
    throw new Error(`PostgreSQL already holds events with these ids at other streams or revisions: ${list}. Is it another store's data?`);
  }
}

async function copyCheckpoints(sqlite: Database.Database, to: PostgresEventStore, copy: boolean): Promise<CopyResult['checkpoints']> {
  if (!hasTable(sqlite, 'checkpoints')) return [];
  const rows = sqlite.prepare<[], { name: string; position: string }>('SELECT name, position FROM checkpoints ORDER BY name').all();
  if (!copy) return rows.map(({ name }) => ({ name, outcome: 'skipped' }));
  const eventAt = sqlite.prepare<[number], { event_id: string }>('SELECT event_id FROM events WHERE position = ?');
  const out: CopyResult['checkpoints'] = [];
  for (const { name, position } of rows) {
    const source = /^\d+$/.test(position) ? eventAt.get(Number(position)) : undefined;
    const [target] = source
      ? await to.query<{ transaction_text: string; position_text: string }>(
          'mapping a checkpoint',
          {
            name: 'eventstore_copy_position_of',
            text: `SELECT transaction_id::text AS transaction_text, global_position::text AS position_text FROM ${to.tables.events} WHERE event_id = $1`,
          },
          [source.event_id],
        )
      : [];
    if (!target) {
      out.push({ name, outcome: 'no-such-event' });
      continue;
    }
    const mapped = encodePosition({ transactionId: BigInt(target.transaction_text), globalPosition: BigInt(target.position_text) });
    const [inserted] = await to.query<{ position: string; inserted: boolean }>(
      'copying a checkpoint',
      {
        name: 'eventstore_copy_checkpoint',
        text: `WITH ins AS (
            INSERT INTO ${to.tables.checkpoints} (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING position
          )
          SELECT position, true AS inserted FROM ins
          UNION ALL SELECT position, false FROM ${to.tables.checkpoints} WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
      },
      [name, mapped],
    );
    const outcome: CheckpointOutcome = inserted!.inserted ? 'copied' : inserted!.position === mapped ? 'unchanged' : 'kept';
    out.push({ name, outcome, position: inserted!.position });
  }
  return out;
}

function openReadOnly(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_master').get(); // a file that is not SQLite fails here, not at open
    return db;
  } catch (error) {
    db?.close();
    throw new Error(`Cannot open the SQLite event store ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
