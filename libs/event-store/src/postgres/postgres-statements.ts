import { randomUUID } from 'node:crypto';
import type { ExpectedRevision, NewEvent } from '../event-store.port';
import type { TableNames } from './postgres-tables';

/**
 * The SQL of the adapter for one schema. Named: each pooled connection parses and
 * plans a statement once (a pool serves one store, so one schema).
 */
export type Statements = ReturnType<typeof statements>;

const COLUMNS = `event_id, stream_id, revision, type, data, metadata,
  (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_at,
  transaction_id::text AS transaction_text, global_position::text AS position_text`;
// (Not aliased to the column names: ORDER BY would then sort the text, 10 before 9.)

// Evaluated once per statement (an InitPlan): every transaction id below it has ended.
const HORIZON = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';

export function statements(t: TableNames) {
  const name = (what: string) => `eventstore_${what}`;
  return {
    /**
     * One statement, so one implicit transaction and one round trip: check the
     * expected revision, insert the events in order, NOTIFY with the stream id as
     * payload (sent at commit; a prefix subscription wakes only for its streams). Two
     * writers that read the same revision collide on UNIQUE (stream_id, revision);
     * the loser fails with 23505 and writes nothing.
     * $1 stream, $2 expectation ('any' | 'no_stream' | 'stream_exists' | 'revision'), $3 revision,
     * $4 ids, $5 types, $6 data, $7 metadata, $8 recorded at (ms), $9 channel.
     */
    append: {
      name: name('append'),
      text: `
        WITH current_revision AS (
          SELECT coalesce(max(revision), -1) AS revision FROM ${t.events} WHERE stream_id = $1
        ), accepted AS (
          SELECT revision FROM current_revision
          WHERE CASE $2::text
            WHEN 'any' THEN true
            WHEN 'no_stream' THEN revision = -1
            WHEN 'stream_exists' THEN revision >= 0
            ELSE revision = $3::integer
          END
        ), inserted AS (
          INSERT INTO ${t.events} (event_id, stream_id, revision, type, data, metadata, recorded_at)
          SELECT e.event_id, $1, a.revision + e.n::integer, e.type, e.data, e.metadata,
                 timestamptz 'epoch' + $8::bigint * interval '1 millisecond'
          FROM accepted a
          CROSS JOIN unnest($4::text[], $5::text[], $6::json[], $7::json[]) WITH ORDINALITY AS e(event_id, type, data, metadata, n)
          ORDER BY e.n
          RETURNING revision, global_position
        ), notified AS (
          SELECT pg_notify($9, $1) FROM (SELECT 1 FROM inserted LIMIT 1) AS any_row
        )
        SELECT (SELECT revision FROM current_revision) AS current_revision,
               (SELECT max(revision) FROM inserted) AS last_revision,
               (SELECT max(global_position) FROM inserted)::text AS last_position,
               CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN pg_current_xact_id()::text END AS transaction_id,
               (SELECT count(*) FROM notified) AS notified`,
    },
    currentRevision: {
      name: name('current_revision'),
      text: `SELECT coalesce(max(revision), -1) AS revision FROM ${t.events} WHERE stream_id = $1`,
    },
    readStream: {
      name: name('read_stream'),
      text: `SELECT ${COLUMNS} FROM ${t.events} WHERE stream_id = $1 ORDER BY revision`,
    },
    /** $1 transaction id, $2 global position (exclusive), $3 limit. */
    readAll: {
      name: name('read_all'),
      text: `SELECT ${COLUMNS} FROM ${t.events}
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
        ORDER BY events.transaction_id, events.global_position LIMIT $3`,
    },
    /** As readAll, $4 the stream prefix. */
    readAllWithPrefix: {
      name: name('read_all_prefix'),
      text: `SELECT ${COLUMNS} FROM ${t.events}
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
          AND starts_with(stream_id, $4)
        ORDER BY events.transaction_id, events.global_position LIMIT $3`,
    },
    /**
     * As readAllWithPrefix, and as heldBackWithPrefix, in one round trip: the
     * events, then one row with only `scanned_to` and `held_back` set. `scanned_to`
     * is the position of the newest readable event of any stream after $1/$2 (null
     * if none). Same statement, same snapshot, so the same horizon everywhere: no
     * event of the prefix can ever appear at or below `scanned_to`, and a
     * subscriber whose streams are rare (erasures) moves on to it instead of
     * reading every other stream's events again at the next append.
     */
    readPrefixScanned: {
      name: name('read_prefix_scanned'),
      text: `(SELECT ${COLUMNS}, NULL::text AS scanned_to, NULL::boolean AS held_back FROM ${t.events}
          WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
            AND starts_with(stream_id, $4)
          ORDER BY events.transaction_id, events.global_position LIMIT $3)
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          (SELECT transaction_id::text || '/' || global_position::text FROM ${t.events}
            WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
            ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1),
          EXISTS (SELECT 1 FROM ${t.events}
            WHERE transaction_id >= ${HORIZON} AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
              AND starts_with(stream_id, $4))`,
    },
    /** Committed events after $1/$2 that readAll may not return yet: an older transaction still runs. */
    heldBack: {
      name: name('held_back'),
      text: `SELECT EXISTS (
          SELECT 1 FROM ${t.events}
          WHERE transaction_id >= ${HORIZON} AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
        ) AS held_back`,
    },
    /** As heldBack, only events whose stream starts with $3: what readAllWithPrefix would return. */
    heldBackWithPrefix: {
      name: name('held_back_prefix'),
      text: `SELECT EXISTS (
          SELECT 1 FROM ${t.events}
          WHERE transaction_id >= ${HORIZON} AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
            AND starts_with(stream_id, $3)
        ) AS held_back`,
    },
    /** The newest stored transaction id, and the next one this cluster will hand out. */
    transactionIds: {
      name: name('transaction_ids'),
      text: `SELECT (SELECT transaction_id FROM ${t.events} ORDER BY transaction_id DESC LIMIT 1)::text AS stored,
        pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    },
    loadCheckpoint: {
      name: name('load_checkpoint'),
      text: `SELECT position FROM ${t.checkpoints} WHERE name = $1`,
    },
    storeCheckpoint: {
      name: name('store_checkpoint'),
      text: `INSERT INTO ${t.checkpoints} (name, position, updated_at) VALUES ($1, $2, now())
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    },
  };
}

export type EventRow = {
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: number;
  transaction_text: string;
  position_text: string;
};

/** The parameters of `append`, in order. */
export function appendValues(streamId: string, events: NewEvent[], expected: ExpectedRevision, recordedAt: number, channel: string): unknown[] {
  return [
    streamId,
    typeof expected === 'number' ? 'revision' : expected,
    typeof expected === 'number' ? expected : null,
    events.map((e) => e.id ?? randomUUID()),
    events.map((e) => e.type),
    events.map((e) => JSON.stringify(e.data)),
    events.map((e) => JSON.stringify(e.metadata ?? {})),
    recordedAt,
    channel,
  ];
}
