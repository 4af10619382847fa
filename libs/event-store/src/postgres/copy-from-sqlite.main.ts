/**
 * Moves an embedded event store to PostgreSQL (from `npm start` to stack mode):
 *
 *   npm run eventstore:copy-to-postgres -- --from ./data/events.db --to postgres://user@host:5432/supportdesk_events [--schema eventstore] [--with-checkpoints]
 *
 * --with-checkpoints only when the consumers stay (see copySqliteToPostgres). Stop the app first. Safe to interrupt (Ctrl-C) and to run again: it resumes,
 * and a run after a complete one copies nothing.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { copySqliteToPostgres, type CopyProgress } from './copy-from-sqlite';
import { PostgresEventStore } from './postgres-event-store';
import { isPostgresUrl, POSTGRES_DEFAULTS } from './postgres-options';
import { progressBar } from './progress-bar';

const usage =
  'usage: npm run eventstore:copy-to-postgres -- --from <events.db> --to <postgres://…> [--schema eventstore] [--batch-size 1000] [--with-checkpoints]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      schema: { type: 'string', default: POSTGRES_DEFAULTS.schema },
      'batch-size': { type: 'string', default: '1000' },
      'with-checkpoints': { type: 'boolean', default: false },
    },
  });
  const batchSize = Number(values['batch-size']);
  if (!values.from || !values.to || !isPostgresUrl(values.to) || !Number.isInteger(batchSize) || batchSize < 1) {
    console.error(usage);
    return 2;
  }
  if (!existsSync(values.from)) {
    console.error(`No such file: ${values.from} (the embedded store is DATA_DIR/events.db, by default ./data/events.db)`);
    return 1;
  }
  const store = await PostgresEventStore.connect(values.to, { schema: values.schema, poolSize: 2, statementTimeoutMs: 0 });
  const abort = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nstopping after the current batch…');
    abort.abort();
  });
  const bar = progressBar(process.stderr, 'events');
  const detail = (p: CopyProgress) => `(copied ${p.copied}, already there ${p.alreadyThere})`;
  try {
    const result = await copySqliteToPostgres({
      from: values.from,
      to: store,
      batchSize,
      copyCheckpoints: values['with-checkpoints'],
      signal: abort.signal,
      onProgress: (p) => bar.update(p.done, p.total, detail(p)),
    });
    bar.finish(result.done, result.total, detail(result));
    if (result.interrupted) {
      console.log(`Interrupted: ${result.copied} events copied this run. Run the same command again to resume.`);
      return 130;
    }
    for (const c of result.checkpoints) console.log(`checkpoint ${c.name}: ${c.outcome}${c.position ? ` (${c.position})` : ''}`);
    if (result.checkpoints.some((c) => c.outcome === 'skipped')) {
      console.log('Checkpoints were not copied: relays publish from the start (consumers are idempotent). --with-checkpoints copies them.');
    }
    console.log(`Done: ${result.copied} events copied, ${result.alreadyThere} already there, into schema "${store.schema}".`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
