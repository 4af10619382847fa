import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventSubscription,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store.port';
import { SubscriptionRegistry } from '../subscription-registry';
import { toStoreError, uniqueViolation } from './postgres-errors';
import { migrate } from './postgres-migrations';
import { AppendNotifications } from './postgres-notifications';
import { clientConfig, resolveOptions, type PostgresEventStoreOptions, type ResolvedOptions } from './postgres-options';
import { comparePositions, decodePosition, encodePosition, type PgPosition } from './postgres-position';
import { appendValues, statements, type EventRow, type Statements } from './postgres-statements';
import { PostgresSubscription, type PrefixRead } from './postgres-subscription';
import { tableNames, type TableNames } from './postgres-tables';
import { Wakeup } from './wakeup';

type AppendRow = { current_revision: number; last_revision: number | null; last_position: string | null; transaction_id: string | null };

// 'any' and 'stream_exists' accept any revision: a lost race only means "read again".
const RETRIES_WITHOUT_EXPECTATION = 10;
const HELD_BACK_POLL_MS = 10;

/**
 * Event store on PostgreSQL, shared by any number of processes and hosts. Appends
 * are one statement each (revision check + insert + NOTIFY); subscriptions read
 * by (transaction id, position) up to the oldest running transaction (see
 * postgres-position.ts) and are woken by LISTEN/NOTIFY, with a slow poll behind it.
 *
 *   const store = await PostgresEventStore.connect('postgres://user@host/db', { poolSize: 10 });
 */
export class PostgresEventStore implements EventStore {
  readonly tables: TableNames;
  private readonly sql: Statements;
  private readonly wakeup = new Wakeup();
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly notifications: AppendNotifications;

  private constructor(
    readonly pool: pg.Pool,
    private readonly options: ResolvedOptions,
    listenConfig: pg.ClientConfig,
  ) {
    this.tables = tableNames(options.schema);
    this.sql = statements(this.tables);
    const heartbeat = { heartbeatMs: options.listenHeartbeatMs, timeoutMs: options.connectTimeoutMs };
    this.notifications = new AppendNotifications(listenConfig, this.tables.channel, this.wakeup, heartbeat, (e) => this.connectionError(e));
  }

  /** Opens the pool and creates or migrates the schema; rejects if the server cannot be reached. */
  static async connect(url: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const resolved = resolveOptions(options);
    const config = clientConfig(url, resolved);
    const pool = new pg.Pool(config);
    const store = new PostgresEventStore(pool, resolved, config);
    // An idle pooled connection that dies (server restart) is dropped by the pool; the next query opens a new one.
    pool.on('error', (e) => store.connectionError(e));
    try {
      await migrate(pool, resolved.schema);
      await store.checkTransactionIds();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toStoreError(error, 'creating or migrating the schema');
    }
    return store;
  }

  get schema(): string {
    return this.options.schema;
  }

  async append(streamId: string, events: NewEvent[], { expectedRevision }: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const values = appendValues(streamId, events, expectedRevision, this.options.now(), this.tables.channel);
    for (let attempt = 0; ; attempt++) {
      let row: AppendRow;
      try {
        row = (await this.pool.query<AppendRow>({ ...this.sql.append, values })).rows[0]!;
      } catch (error) {
        if (uniqueViolation(error) === 'events_stream_revision_key') {
          if ((expectedRevision === 'any' || expectedRevision === 'stream_exists') && attempt < RETRIES_WITHOUT_EXPECTATION) continue;
          throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.currentRevision(streamId));
        }
        if (uniqueViolation(error) === 'events_event_id_key')
          throw new Error(`Stream ${streamId}: an event with one of these ids is already stored`, { cause: error });
        throw toStoreError(error, `appending to ${streamId}`);
      }
      if (row.last_revision === null || row.last_position === null || row.transaction_id === null) {
        throw new WrongExpectedRevisionError(streamId, expectedRevision, row.current_revision < 0 ? 'no_stream' : row.current_revision);
      }
      // Subscriptions of this process wake at once; others through NOTIFY.
      this.wakeup.signal(streamId);
      return {
        nextExpectedRevision: row.last_revision,
        position: encodePosition({ transactionId: BigInt(row.transaction_id), globalPosition: BigInt(row.last_position) }),
      };
    }
  }

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    const rows = await this.query<EventRow>(`reading ${streamId}`, this.sql.readStream, [streamId]);
    return rows.map(toRecorded);
  }

  /** Up to `limit` committed events after a position, in (transaction, position) order; see postgres-position.ts. */
  async readAllAfter(after: PgPosition, limit: number, streamPrefix?: string): Promise<RecordedEvent[]> {
    const from = [after.transactionId.toString(), after.globalPosition.toString(), limit];
    const rows = streamPrefix
      ? await this.query<EventRow>('reading all', this.sql.readAllWithPrefix, [...from, streamPrefix])
      : await this.query<EventRow>('reading all', this.sql.readAll, from);
    return rows.map(toRecorded);
  }

  /**
   * Up to `limit` committed events of streams starting with `streamPrefix` after a
   * position, in one round trip with how far the read looked (when fewer than
   * `limit` came back, no event of the prefix will ever appear between `after` and
   * `scannedTo`) and whether events of the prefix are held back (hasHeldBackEvents).
   */
  async readPrefixAfter(after: PgPosition, limit: number, streamPrefix: string): Promise<PrefixRead> {
    const values = [after.transactionId.toString(), after.globalPosition.toString(), limit, streamPrefix];
    const rows = await this.query<EventRow & { scanned_to: string | null; held_back: boolean | null }>('reading all', this.sql.readPrefixScanned, values);
    const marker = rows.find((row) => row.held_back !== null);
    const events = rows.filter((row) => row.held_back === null).map(toRecorded);
    // Rows of one UNION ALL branch keep that branch's order in practice; sorted all the same (a small batch).
    events.sort((a, b) => comparePositions(decodePosition(a.position), decodePosition(b.position)));
    return { events, scannedTo: marker?.scanned_to ? decodePosition(marker.scanned_to) : undefined, heldBack: marker?.held_back === true };
  }

  /** With a prefix, only events of those streams count: others' held-back events are no reason to read again soon. */
  async hasHeldBackEvents(after: PgPosition, streamPrefix?: string): Promise<boolean> {
    const from = [after.transactionId.toString(), after.globalPosition.toString()];
    const rows = streamPrefix
      ? await this.query<{ held_back: boolean }>('reading all', this.sql.heldBackWithPrefix, [...from, streamPrefix])
      : await this.query<{ held_back: boolean }>('reading all', this.sql.heldBack, from);
    return rows[0]?.held_back === true;
  }

  subscribeToAll(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): EventSubscription {
    this.notifications.start();
    const timing = { pollIntervalMs: this.options.pollIntervalMs, heldBackPollMs: HELD_BACK_POLL_MS };
    const subscription = new PostgresSubscription(this, this.wakeup, options, handler, timing, (e) => this.connectionError(e));
    return this.subscriptions.track(subscription);
  }

  /** For health checks: one round trip to the server. */
  async ping(): Promise<void> {
    await this.query('pinging', { name: 'eventstore_ping', text: 'SELECT 1' }, []);
  }

  async close(): Promise<void> {
    await this.subscriptions.stopAll();
    await this.notifications.stop();
    // Bounded: a connection cut off without a reset never says goodbye.
    await Promise.race([this.pool.end().catch(() => undefined), sleep(this.options.connectTimeoutMs, undefined, { ref: false })]);
  }

  /** Runs a named statement; connection trouble becomes EventStoreUnavailableError. */
  async query<R extends pg.QueryResultRow>(doing: string, statement: { name: string; text: string }, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>({ ...statement, values })).rows;
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }

  /**
   * Positions order by the writing transaction's id, so the ids of events already
   * stored must be below the ids this cluster hands out next. pg_upgrade, physical
   * backups and replicas keep transaction ids; a pg_dump restored into another
   * cluster does not, and new events would then sort before old ones: subscribers
   * resuming from a checkpoint would never see them. Refuse to start instead.
   */
  private async checkTransactionIds(): Promise<void> {
    const [row] = await this.query<{ stored: string | null; next: string }>('checking transaction ids', this.sql.transactionIds, []);
    if (row?.stored != null && BigInt(row.stored) >= BigInt(row.next)) {
      throw new Error(
        `PostgreSQL event store (schema ${this.options.schema}): stored events carry transaction id ${row.stored}, ` +
          `but this cluster's next is ${row.next} (restored from a dump into another cluster?). New events would sort ` +
          'before them and subscribers would miss them. Move the database with pg_upgrade or a physical backup, which keep transaction ids.',
      );
    }
  }

  private async currentRevision(streamId: string): Promise<number | 'no_stream'> {
    const [row] = await this.query<{ revision: number }>(`reading ${streamId}`, this.sql.currentRevision, [streamId]);
    return row && row.revision >= 0 ? row.revision : 'no_stream';
  }

  private connectionError(error: unknown): void {
    this.options.onConnectionError?.(error);
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    revision: row.revision,
    position: encodePosition({ transactionId: BigInt(row.transaction_text), globalPosition: BigInt(row.position_text) }),
    recordedAt: row.recorded_at,
  };
}
