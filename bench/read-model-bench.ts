/**
 * The read model's bench steps, run by bench/run.ts:
 *
 *   search       admin search over --search-tickets (1,000,000) tickets       (search-million.ts)
 *   search-text  free text over --text-tickets (100,000) tickets              (search-million.ts)
 *   rebuild      npm run read-model:rebuild over --rebuild-tickets (1,000,000) (rebuild.ts)
 *
 * --read-models sqlite,ferretdb picks the read models (default sqlite; ferretdb
 * needs MONGODB_URL: source /tmp/infra.env). --plans false leaves the plans out.
 * --search-cases 'AND,category' measures only the cases so named. FerretDB
 * takes most of an hour to load a million: --search-keep true leaves the loaded
 * database (SQLite: file) there, and --search-database <name or file> searches
 * it again without loading (one read model at a time then).
 */
import { rebuildBench } from './rebuild';
import type { ReadModelKind } from './read-model-target';
import { searchMillion, searchText } from './search-million';

export const READ_MODEL_TARGETS = ['search', 'search-text', 'rebuild'] as const;

export const READ_MODEL_BENCH_OPTIONS = {
  'read-models': { type: 'string', default: 'sqlite' },
  'search-tickets': { type: 'string', default: '1000000' },
  'search-runs': { type: 'string', default: '200' },
  'search-deep-offset': { type: 'string', default: '10000' },
  'text-tickets': { type: 'string', default: '100000' },
  'rebuild-tickets': { type: 'string', default: '1000000' },
  'rebuild-before-events': { type: 'string', default: '200000' },
  plans: { type: 'string', default: 'true' },
  /** Only the search cases whose name contains one of these (comma-separated), e.g. 'AND,category'. */
  'search-cases': { type: 'string', default: '' },
  /** Search this database (FerretDB) or file (SQLite), loaded by an earlier run kept with --search-keep, instead of loading one. */
  'search-database': { type: 'string', default: '' },
  /** Leave the loaded database or file there at the end (its name is printed). */
  'search-keep': { type: 'string', default: 'false' },
} as const;

type Args = { [K in keyof typeof READ_MODEL_BENCH_OPTIONS]: string };

export async function runReadModelBenches(targets: readonly string[], args: Args): Promise<void> {
  const kinds = args['read-models'].split(',').map((k) => k.trim()) as ReadModelKind[];
  for (const kind of kinds) if (kind !== 'sqlite' && kind !== 'ferretdb') throw new Error(`unknown read model ${kind} (known: sqlite, ferretdb)`);
  const printPlans = args.plans !== 'false';
  // FerretDB decodes each matching document in its own memory: fewer runs keep the step within minutes.
  const runs = (kind: ReadModelKind) => (kind === 'sqlite' ? Number(args['search-runs']) : Math.max(10, Math.floor(Number(args['search-runs']) / 4)));
  for (const kind of kinds) {
    if (targets.includes('search')) {
      await searchMillion({
        kind,
        tickets: Number(args['search-tickets']),
        runs: runs(kind),
        deepOffset: Number(args['search-deep-offset']),
        printPlans,
        cases: args['search-cases'] ? args['search-cases'].split(',') : undefined,
        database: args['search-database'] || undefined,
        keep: args['search-keep'] === 'true',
      });
    }
    if (targets.includes('search-text')) {
      const tickets = Number(args['text-tickets']);
      await searchText({ kind, tickets, runs: runs(kind), deepOffset: Math.min(1_000, Math.floor(tickets / 10)), printPlans });
    }
    if (targets.includes('rebuild')) {
      await rebuildBench({ kind, tickets: Number(args['rebuild-tickets']), beforeEvents: kind === 'sqlite' ? Number(args['rebuild-before-events']) : 0 });
    }
  }
}
