/**
 * A read model for the search and rebuild benches: the embedded SQLite file in a
 * temp dir, or FerretDB/MongoDB (MONGODB_URL, from infra/local/start.sh) in a
 * database of its own, dropped at the end. Loaded with the corpus through the
 * rebuild path (bulk writes into a copy, indexed once, swapped in): how a
 * million tickets get there in minutes rather than through a million upserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, StoredTicketView, TicketReadModel, TicketSearchQuery } from '@support-desk/read-model';
import type { CorpusTicket } from './ticket-corpus';

export type ReadModelKind = 'sqlite' | 'ferretdb';

export type BenchReadModel = {
  kind: ReadModelKind;
  readModel: TicketReadModel;
  explain(query: TicketSearchQuery, page: Page): Promise<string[]>;
  /** The database searched (FerretDB/MongoDB), or the file (SQLite). */
  database?: string;
  /** Finds a search needed (FerretDB's bucket walk); 1 otherwise. */
  lastProbes(): number;
  close(): Promise<void>;
};

/**
 * `database`: use that database (FerretDB/MongoDB) or file (SQLite), already
 * loaded by an earlier run kept with `keep`, instead of a new one; `keep`: leave
 * it there at the end. A million tickets take FerretDB most of an hour to load
 * and index on a busy 2-core machine: loaded once, measured as often as needed.
 */
export type BenchDatabase = { database?: string; keep?: boolean };

export async function openBenchReadModel(kind: ReadModelKind, label: string, reuse: BenchDatabase = {}): Promise<BenchReadModel> {
  if (kind === 'sqlite') {
    const { SqliteTicketReadModel } = await import('@support-desk/read-model/sqlite');
    const dir = reuse.database ? undefined : mkdtempSync(join(tmpdir(), `bench-${label}-`));
    const file = reuse.database ?? join(dir!, 'read-model.db');
    const readModel = new SqliteTicketReadModel(file);
    return {
      kind,
      readModel,
      database: file,
      explain: async (query, page) => readModel.explainSearch(query, page),
      lastProbes: () => 1,
      close: async () => {
        await readModel.close();
        if (reuse.keep || !dir) console.log(`kept ${file} (search it again: --search-database ${file}; delete it by hand when done)`);
        else rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.MONGODB_URL;
  if (!url) throw new Error('the ferretdb read model needs MONGODB_URL: source /tmp/infra.env, or eval "$(infra/local/start.sh)"');
  const { MongoTicketReadModel } = await import('@support-desk/read-model/mongodb');
  const { MongoClient } = await import('mongodb');
  const database = reuse.database ?? `bench_${label}_${Date.now().toString(36)}`;
  const readModel = await MongoTicketReadModel.connect({ url, database, aliasPollMs: 100 });
  return {
    kind,
    readModel,
    database,
    explain: (query, page) => readModel.explainSearch(query, page),
    lastProbes: () => readModel.lastSearch.probes,
    close: async () => {
      await readModel.close().catch(() => undefined);
      if (reuse.keep || reuse.database) {
        console.log(`kept database ${database} (search it again: --search-database ${database}; drop it by hand when done)`);
        return;
      }
      const client = new MongoClient(url);
      try {
        await client.db(database).dropDatabase();
      } catch (error) {
        console.warn(`could not drop ${database} (drop it by hand): ${String(error)}`);
      } finally {
        await client.close();
      }
    },
  };
}

/** Bulk-loads the corpus: batches into a rebuild copy, then the swap (which indexes it). Seconds for each part. */
export async function loadCorpus(readModel: TicketReadModel, tickets: Iterable<CorpusTicket>, total: number, batchSize: number) {
  const started = performance.now();
  const copy = await readModel.beginRebuild();
  let batch: { stored: StoredTicketView; isNew: boolean }[] = [];
  let written = 0;
  let lastReport = 0;
  // Two batches in flight: a server (FerretDB, PostgreSQL) works on one while the next is built and sent.
  let inFlight: Promise<void> = Promise.resolve();
  for (const { view } of tickets) {
    batch.push({ stored: view, isNew: true });
    if (batch.length < batchSize) continue;
    const previous = inFlight;
    inFlight = copy.write(batch);
    await previous;
    written += batch.length;
    batch = [];
    const seconds = (performance.now() - started) / 1000;
    if (seconds - lastReport >= 5) {
      lastReport = seconds;
      const rate = written / seconds;
      process.stderr.write(`  loading ${written}/${total} (${Math.round(rate)}/s, ETA ${Math.round((total - written) / rate)} s)\n`);
    }
  }
  await inFlight;
  if (batch.length) await copy.write(batch);
  const writeSeconds = (performance.now() - started) / 1000;
  await copy.swap(async () => {});
  return { writeSeconds, indexSeconds: (performance.now() - started) / 1000 - writeSeconds };
}
