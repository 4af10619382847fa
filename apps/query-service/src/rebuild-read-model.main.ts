/**
 * Rebuilds admin search's read model from the event store, while services keep
 * running: every event is folded into a new table (SQLite) or collection
 * (MongoDB), which replaces the live one once it has caught up.
 *
 *   npm run read-model:rebuild [-- --batch-size 5000 --cache-size 50000]
 *
 * Configured like the services (README "Configuration"): DATA_DIR for the
 * embedded files, EVENTSTORE_URL and MONGODB_URL for servers. Progress with rate
 * and ETA on stderr. Ctrl-C stops it and drops the new copy; the live read model
 * stays as it was. One rebuild at a time.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { eventStoreConfigSchema, openAdapters, readModelConfigSchema } from '@support-desk/composition-root';
import type { EventStore } from '@support-desk/event-store';
import { unprotected } from '@support-desk/personal-data';
import { rebuildReadModel, type RebuildProgress } from '@support-desk/feature-query';
import { ConfigError, parseConfig } from '@support-desk/service-kit';

/**
 * A rebuild reads every user's events, in the order they were written, so a service's key cache (the users of
 * the last minute) misses on most of them: the rebuild keeps up to 500,000 keys (~370 bytes of heap each,
 * measured on 100,000: ~185 MB at most) unless DATA_KEY_CACHE_ENTRIES says otherwise. The million-ticket
 * bench has 200,000 users: see README "Rebuild".
 */
const REBUILD_KEY_CACHE_ENTRIES = 500_000;

const configSchema = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  ...eventStoreConfigSchema.shape,
  ...readModelConfigSchema.shape,
  DATA_KEY_CACHE_ENTRIES: eventStoreConfigSchema.shape.DATA_KEY_CACHE_ENTRIES.removeDefault().default(REBUILD_KEY_CACHE_ENTRIES),
});

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '5000' }, 'cache-size': { type: 'string', default: '50000' } } });
  const batchSize = Number(values['batch-size']);
  const cacheSize = Number(values['cache-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || !Number.isInteger(cacheSize) || cacheSize < 0) {
    console.error('usage: npm run read-model:rebuild [-- --batch-size 5000 --cache-size 50000]');
    return 2;
  }
  const config = parseConfig(configSchema);
  const adapters = await openAdapters(config, ['eventStore', 'readModel'], 'read-model-rebuild');
  console.error(`rebuilding the read model (${adapters.describe.readModel}) from the event store (${adapters.describe.eventStore})`);
  const abort = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nstopping: the new copy is dropped, the live read model stays as it was');
    abort.abort();
  });
  const bar = progressLine(process.stderr);
  try {
    const done = await rebuildReadModel({
      eventStore: adapters.eventStore,
      readModel: adapters.readModel,
      totalEvents: () => countTicketEvents(adapters.eventStore),
      batchSize,
      cacheSize,
      signal: abort.signal,
      onProgress: bar.update,
    });
    bar.finish(done);
    console.log(
      `rebuilt: ${done.tickets} tickets from ${done.events} events in ${done.seconds.toFixed(1)} s (${Math.round(done.events / done.seconds)} events/s)` +
        (done.orphans ? `; ${done.orphans} events without their TicketRequested skipped` : ''),
    );
    return 0;
  } catch (error) {
    bar.finish();
    if (abort.signal.aborted) return 130;
    throw error;
  } finally {
    await adapters.close();
  }
}

/** The embedded store can count its ticket events (for the ETA); a server store gives a rate without one. */
async function countTicketEvents(eventStore: EventStore): Promise<number | undefined> {
  const { SqliteEventStore } = await import('@support-desk/event-store/sqlite');
  // The store under the personal-data decorator: its own table is counted.
  const store = unprotected(eventStore);
  if (!(store instanceof SqliteEventStore)) return undefined;
  const row = store.database.prepare(`SELECT count(*) AS n FROM events WHERE substr(stream_id, 1, 15) = 'support-ticket-'`).get() as { n: number };
  return row.n;
}

/** One line, redrawn in place on a terminal (a plain line every 10 % otherwise): events, rate, ETA. */
function progressLine(out: NodeJS.WriteStream) {
  let lastDecile = -1;
  const line = (p: RebuildProgress) => {
    const rate = p.seconds > 0 ? p.events / p.seconds : 0;
    if (p.phase !== 'reading')
      return `${p.phase === 'done' ? 'done' : 'indexing the copy, last catch-up, swap…'} ${p.events} events, ${p.tickets} tickets, ${Math.round(rate)} events/s`;
    const total = p.totalEvents ?? 0;
    const ratio = total > 0 ? Math.min(1, p.events / total) : 0;
    const eta = total > 0 && rate > 0 ? `ETA ${Math.max(0, Math.round((total - p.events) / rate))} s` : 'ETA ?';
    const bar = `[${'#'.repeat(Math.round(ratio * 30)).padEnd(30, '-')}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
    return `${bar} ${p.events}/${total || '?'} events ${Math.round(rate)} events/s ${eta} (${p.tickets} tickets)`;
  };
  return {
    update(p: RebuildProgress): void {
      if (p.phase === 'done') return; // finish() says it
      if (out.isTTY) return void out.write(`\r${line(p)}\x1b[K`);
      const decile = p.totalEvents ? Math.floor((p.events / p.totalEvents) * 10) : -1;
      if (p.phase === 'reading' && decile === lastDecile) return;
      lastDecile = decile;
      out.write(`${line(p)}\n`);
    },
    finish(p?: RebuildProgress): void {
      if (p) out.write(out.isTTY ? `\r${line(p)}\x1b[K\n` : `${line(p)}\n`);
      else if (out.isTTY) out.write('\n');
    },
  };
}

// Node exits when nothing is left to wait for. Should a rebuild ever wait on nothing that holds the process
// (a worker thread unref'd too early once did), it must not end quietly with 0 halfway through.
process.once('beforeExit', () => {
  console.error('read-model:rebuild: stopped before it finished (nothing left to wait for): the live read model is as it was');
  process.exit(1);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? `read-model:rebuild: ${error.message}` : error);
    process.exit(1);
  },
);
