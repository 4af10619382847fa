/**
 * PostgreSQL event store: appends per second and latency with 1 and 16 concurrent
 * writers (closed loop; each append is a new ticket's first event, expected
 * revision no_stream, as intake does). Figures, not pass/fail.
 *
 *   npx tsx bench/postgres-append.ts [--url postgres://…] [--seconds 5] [--writers 1,16] [--durability fsync|os]
 *
 * The URL defaults to POSTGRES_TEST_URL (printed by infra/local/start.sh). Runs in
 * a schema of its own, dropped at the end.
 */
import { parseArgs } from 'node:util';
import { PostgresEventStore } from '@support-desk/event-store/postgres';
import { closedLoop, fmt, percentile } from './http-load';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.POSTGRES_TEST_URL },
    seconds: { type: 'string', default: '5' },
    writers: { type: 'string', default: '1,16' },
    durability: { type: 'string', default: 'fsync' },
  },
});
if (!args.url) throw new Error('--url or POSTGRES_TEST_URL is required (eval "$(infra/local/start.sh)")');
const durability = args.durability === 'os' ? 'os' : 'fsync';
const seconds = Number(args.seconds);
const schema = `bench_append_${Date.now().toString(36)}`;

const data = {
  uuid: 'bench-user-1',
  udid: 'BENCH-DEVICE-1',
  subject: 'App crashes on start',
  message: 'Since the last update the app closes right after the splash screen.',
  email: 'bench@example.com',
  category: 'crash',
};

let counter = 0;
const rows: string[] = [];
for (const writers of args.writers.split(',').map(Number)) {
  const store = await PostgresEventStore.connect(args.url, { schema, poolSize: writers, durability });
  try {
    const server = (await store.pool.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync;
    const append = async () => {
      await store.append(`ticket-bench-${counter++}`, [{ type: 'TicketRequested', data }], { expectedRevision: 'no_stream' });
      return true;
    };
    await closedLoop(writers, 1, append); // warm-up: connections, prepared statements
    const samples = await closedLoop(writers, seconds, append);
    const ok = samples.filter((s) => s.ok);
    const ms = ok.map((s) => s.ms);
    rows.push(
      `writers ${String(writers).padStart(2)}: ${fmt(ok.length / seconds).padStart(8)} appends/s  p50 ${fmt(percentile(ms, 50))} ms  p99 ${fmt(percentile(ms, 99))} ms  failed ${samples.length - ok.length}  (durability ${durability}, server fsync=${server})`,
    );
  } finally {
    await store.close();
  }
}
const cleanup = await PostgresEventStore.connect(args.url, { schema });
await cleanup.pool.query(`DROP SCHEMA ${schema} CASCADE`);
await cleanup.close();
console.log(rows.join('\n'));
