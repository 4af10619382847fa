/**
 * Read model rebuild (issue 10 item 6; figures, not pass/fail): the corpus's
 * events (default 1,000,000 tickets, ~3 events each, status changes arriving
 * thousands of tickets later) appended to an embedded event store, then
 * `npm run read-model:rebuild` run on it as a user runs it (its progress bar on
 * stderr), into the embedded SQLite read model or FerretDB. Printed: events/s
 * of the rebuild, and for comparison ("before": there was no rebuild, only the
 * live projection replaying events one at a time) the projection's rate over
 * the first --rebuild-before-events events.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import type { EventStore, RecordedEvent } from '@support-desk/event-store';
import { fmt } from './http-load';
import { openBenchReadModel, type ReadModelKind } from './read-model-target';
import { appendOrder, corpus } from './ticket-corpus';

export type RebuildBenchOptions = { kind: ReadModelKind; tickets: number; beforeEvents: number };

const repoRoot = resolve(import.meta.dirname, '..');

export async function rebuildBench(options: RebuildBenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  try {
    const appended = await appendCorpus(join(dir, 'events.db'), options.tickets);
    const env: Record<string, string> = { DATA_DIR: dir };
    let database: string | undefined;
    if (options.kind === 'ferretdb') {
      if (!process.env.MONGODB_URL) throw new Error('the ferretdb target needs MONGODB_URL: source /tmp/infra.env');
      database = `bench_rebuild_${Date.now().toString(36)}`;
      const url = new URL(process.env.MONGODB_URL);
      url.pathname = `/${database}`;
      env.MONGODB_URL = url.toString();
    }
    const cli = await runRebuildCli(env);
    const before = options.beforeEvents > 0 ? await projectionReplay(join(dir, 'events.db'), options.beforeEvents) : undefined;
    if (database) await dropDatabase(database);
    console.log(`\nrebuild into ${options.kind}: node ${process.version}, ${new Date().toISOString()}`);
    console.table({
      'events appended (corpus)': { value: String(appended.events), note: `${options.tickets} tickets, ${fmt(appended.seconds)} s to append` },
      'rebuild events/s': { value: cli.rate ?? 'n/a', note: cli.summary },
      'rebuild command wall s': { value: fmt(cli.seconds), note: 'npm run read-model:rebuild, start-up and index build included' },
      ...(before
        ? {
            'before: live projection replay events/s': {
              value: fmt(before.rate),
              note: `TicketSearchProjection, one upsert per event, first ${before.events} events, SQLite`,
            },
          }
        : {}),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Appends the corpus through the port, many appends in flight so the store's group commit batches them.
 * Sealed as every service writes them (protectPersonalData, keys in DATA_DIR/keys.db), so the rebuild
 * opens each event's personal fields as it would on a real store.
 */
export async function appendCorpus(path: string, tickets: number): Promise<{ events: number; seconds: number }> {
  const { CachedDataKeyStore, protectPersonalData } = await import('@support-desk/personal-data');
  const { SqliteDataKeyStore } = await import('@support-desk/personal-data/sqlite');
  const keys = new CachedDataKeyStore(new SqliteDataKeyStore(join(dirname(path), 'keys.db'), undefined, { durability: 'os' }));
  const store = protectPersonalData(new SqliteEventStore(path, { durability: 'os' }), keys);
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  // A stream's next event waits for its previous one (expected revisions must hold).
  const lastOfStream = new Map<string, Promise<unknown>>();
  let events = 0;
  let lastReport = 0;
  try {
    for (const { streamId, revision, event } of appendOrder(corpus({ tickets }).tickets())) {
      const previous = revision === 0 ? undefined : lastOfStream.get(streamId);
      const write = (async () => {
        await previous;
        await store.append(streamId, [event], { expectedRevision: revision === 0 ? 'no_stream' : revision - 1 });
      })();
      lastOfStream.set(streamId, write);
      inFlight.add(write);
      void write.finally(() => {
        inFlight.delete(write);
        if (lastOfStream.get(streamId) === write) lastOfStream.delete(streamId);
      });
      events++;
      if (inFlight.size >= 2_000) await Promise.race(inFlight);
      const seconds = (performance.now() - started) / 1000;
      if (seconds - lastReport >= 10) {
        lastReport = seconds;
        process.stderr.write(`  appending: ${events} events (${Math.round(events / seconds)}/s)\n`);
      }
    }
    await Promise.all(inFlight);
    return { events, seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close();
    await keys.close();
  }
}

/** Runs the rebuild command as a user would, its progress on our stderr; its summary line parsed. */
async function runRebuildCli(env: Record<string, string>): Promise<{ seconds: number; summary: string; rate?: string }> {
  const started = performance.now();
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/query-service/src/rebuild-read-model.main.ts'], {
    cwd: repoRoot,
    env: { ...base, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`read-model:rebuild exited with ${code}: ${out}`);
  const summary = out.trim().split('\n').at(-1) ?? '';
  return { seconds: (performance.now() - started) / 1000, summary, rate: /\((\d+) events\/s\)/.exec(summary)?.[1] };
}

/** "Before": the live projection folding the first events one at a time into a fresh SQLite read model. */
async function projectionReplay(eventsPath: string, limit: number): Promise<{ events: number; rate: number }> {
  const { TicketSearchProjection } = await import('@support-desk/feature-query');
  const { CachedDataKeyStore, protectPersonalData } = await import('@support-desk/personal-data');
  const { SqliteDataKeyStore } = await import('@support-desk/personal-data/sqlite');
  const store = new SqliteEventStore(eventsPath);
  const keys = new CachedDataKeyStore(new SqliteDataKeyStore(join(dirname(eventsPath), 'keys.db')));
  // Events are read raw (readAllAfter is the adapter's) and opened one by one inside the timing, as the projection
  // gets them: through the decorator's readStream over a store that holds just the event being opened.
  let current: RecordedEvent | undefined;
  const opener = protectPersonalData({ readStream: async () => (current ? [current] : []) } as unknown as EventStore, keys);
  const openEvent = async (event: RecordedEvent) => {
    current = event;
    return (await opener.readStream(event.streamId))[0]!;
  };
  const target = await openBenchReadModel('sqlite', 'replay');
  try {
    const projection = new TicketSearchProjection(target.readModel);
    const events: RecordedEvent[] = store.readAllAfter(0, limit, 'support-ticket-');
    const started = performance.now();
    for (const event of events) await projection.project({ key: event.streamId, event: await openEvent(event) });
    return { events: events.length, rate: events.length / ((performance.now() - started) / 1000) };
  } finally {
    await target.close();
    await store.close();
    await keys.close();
  }
}

async function dropDatabase(database: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(process.env.MONGODB_URL!);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}
