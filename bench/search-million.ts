/**
 * Admin search at scale (issue 10 item 5; figures, not pass/fail): a corpus of
 * tickets (default 1,000,000) bulk-loaded into a read model, then every filter
 * alone, a three-field AND with and without a customer key, each as a first
 * page (offset 0, counted where the adapter counts), a deep page by offset and
 * the same depth by cursor. Latency is the adapter's search call in-process
 * (no HTTP), p50 / p99 over --search-runs searches with varying values. The
 * plan of each search is printed (SQLite: EXPLAIN QUERY PLAN; FerretDB: its
 * PostgreSQL plan of the find, or of one probe of a walk).
 *
 * `search-text` does the same for free text (`q`) on a smaller corpus (default
 * 100,000): its cost, printed.
 */
import type { Page, SortKey, TicketSearchQuery } from '@support-desk/read-model';
import { fmt, percentile } from './http-load';
import { loadCorpus, openBenchReadModel, type BenchDatabase, type BenchReadModel, type ReadModelKind } from './read-model-target';
import { CORPUS_END, corpus, type CorpusSamples } from './ticket-corpus';

const DAY = 86_400_000;
const PAGE_SIZE = 20;

export type SearchBenchOptions = {
  kind: ReadModelKind;
  tickets: number;
  runs: number;
  deepOffset: number;
  printPlans: boolean;
  /** Only the cases whose name contains one of these (all when absent). */
  cases?: string[];
} & BenchDatabase;

type Case = { name: string; query: (i: number) => TicketSearchQuery };

function millionCases(s: CorpusSamples): Case[] {
  const at = <T>(list: T[], i: number) => list[i % list.length]!;
  const categories = ['crash', 'login', 'billing', 'sync', 'ui', 'performance', 'notifications', 'account', 'other', 'privacy'];
  return [
    { name: 'uuid', query: (i) => ({ uuid: at(s.uuid, i) }) },
    { name: 'udid', query: (i) => ({ udid: at(s.udid, i) }) },
    { name: 'email', query: (i) => ({ email: at(s.email, i) }) },
    { name: 'phone', query: (i) => ({ phone: at(s.phone, i) }) },
    { name: 'ticketId', query: (i) => ({ ticketId: at(s.ticketId, i) }) },
    { name: 'zendeskTicketId', query: (i) => ({ zendeskTicketId: at(s.zendeskTicketId, i) }) },
    { name: 'ticketStatus', query: (i) => ({ ticketStatus: at(['open', 'solved', 'pending', 'closed', 'hold', 'CREATED'], i) }) },
    { name: 'syncStatus', query: (i) => ({ syncStatus: at(['SYNCED', 'FAILED', 'PENDING'] as const, i) }) },
    { name: 'category', query: (i) => ({ category: at(categories, i) }) },
    { name: 'created (1 day)', query: (i) => ({ createdFrom: CORPUS_END - (2 + (i % 300)) * DAY, createdTo: CORPUS_END - (1 + (i % 300)) * DAY }) },
    { name: 'none (newest first)', query: () => ({}) },
    { name: 'AND uuid+sync+status', query: (i) => ({ uuid: at(s.uuid, i), syncStatus: 'SYNCED', ticketStatus: 'solved' }) },
    {
      name: 'AND sync+status+category',
      query: (i) => ({ syncStatus: 'SYNCED', ticketStatus: at(['solved', 'open', 'closed'], i), category: at(categories.slice(0, 6), i) }),
    },
  ];
}

function textCases(s: CorpusSamples): Case[] {
  const at = <T>(list: T[], i: number) => list[i % list.length]!;
  return [
    { name: 'q common word', query: (i) => ({ q: at(['app', 'crash', 'login', 'error', 'screen'], i) }) },
    { name: 'q middling word', query: (i) => ({ q: at(['battery', 'camera', 'widget', 'refund', 'chat'], i) }) },
    { name: 'q rare word', query: (i) => ({ q: at(s.rareWord, i) }) },
    { name: 'q two words', query: (i) => ({ q: at(['app crash', 'login error', 'sync data', 'payment refund'], i) }) },
    { name: 'q + category', query: (i) => ({ q: at(['app', 'error', 'slow'], i), category: at(['crash', 'login', 'billing'], i) }) },
    { name: 'q + uuid', query: (i) => ({ q: 'app', uuid: at(s.uuid, i) }) },
    { name: 'q rare + created 30 days', query: (i) => ({ q: at(s.rareWord, i), createdFrom: CORPUS_END - 60 * DAY, createdTo: CORPUS_END - 30 * DAY }) },
  ];
}

export async function searchMillion(options: SearchBenchOptions): Promise<void> {
  await searchStep('search', options, millionCases);
}

export async function searchText(options: SearchBenchOptions): Promise<void> {
  await searchStep('search-text', options, textCases);
}

async function searchStep(step: string, options: SearchBenchOptions, cases: (s: CorpusSamples) => Case[]): Promise<void> {
  const target = await openBenchReadModel(options.kind, step.replace('-', '_'), options);
  try {
    const data = corpus({ tickets: options.tickets });
    if (options.database) {
      // Loaded by an earlier run: the same corpus (same seed and count), walked here only for its samples.
      // It was loaded in creation order, so its first and last tickets being there say it is all there
      // (counting would decode every document on FerretDB: many minutes at a million).
      let first: string | undefined;
      let last: string | undefined;
      for (const { view } of data.tickets()) {
        first ??= view.view.recordId;
        last = view.view.recordId;
      }
      for (const recordId of [first!, last!]) {
        if (!(await target.readModel.get(recordId)))
          throw new Error(`${options.database} is not the corpus of ${options.tickets} tickets: ${recordId} is missing`);
      }
      console.log(
        `\n${step} on ${options.kind}: database ${options.database} as loaded by an earlier run (its first and last of ${options.tickets} tickets there); node ${process.version}, ${new Date().toISOString()}`,
      );
    } else {
      process.stderr.write(`${step}: loading ${options.tickets} tickets into ${options.kind}…\n`);
      const load = await loadCorpus(target.readModel, data.tickets(), options.tickets, options.kind === 'sqlite' ? 10_000 : 2_000);
      console.log(
        `\n${step} on ${options.kind}: ${options.tickets} tickets loaded in ${fmt(load.writeSeconds)} s (${Math.round(options.tickets / load.writeSeconds)}/s), indexed and swapped in ${fmt(load.indexSeconds)} s${target.database ? ` (database ${target.database})` : ''}; node ${process.version}, ${new Date().toISOString()}`,
      );
    }
    const rows: Record<string, Record<string, string>> = {};
    const plans: string[] = [];
    const wanted = cases(data.samples).filter((c) => !options.cases || options.cases.some((name) => c.name.includes(name)));
    for (const c of wanted) {
      try {
        await measureCase(c);
      } catch (error) {
        // A server that went away mid-run (a restart): say so in this row, go on with the next.
        rows[c.name] = { 'matches p1 (total)': `error: ${String(error).slice(0, 80)}` };
      }
      // Each row as it is done: a long run (FerretDB) shows where it is, and an interrupted one keeps what it measured.
      process.stderr.write(`${step} on ${options.kind}: ${c.name}: ${JSON.stringify(rows[c.name])}\n`);
    }
    console.log(
      `${step} on ${options.kind}: page size ${PAGE_SIZE}, ${options.runs} runs for page 1, ${Math.max(3, Math.floor(options.runs / 5))} for deep pages`,
    );
    console.table(rows);
    if (plans.length) console.log(`${step} on ${options.kind}: plans\n${plans.join('\n')}`);

    async function measureCase(c: Case): Promise<void> {
      for (let i = 0; i < 3; i++) await target.readModel.search(c.query(i), { offset: 0, limit: PAGE_SIZE }); // warm
      const first = await measure(target, options.runs, (i) => [c.query(i), { offset: 0, limit: PAGE_SIZE }]);
      const deepRuns = Math.max(3, Math.floor(options.runs / 5));
      const deepOffset = await measure(target, deepRuns, (i) => [c.query(i), { offset: options.deepOffset, limit: PAGE_SIZE }]);
      const keys = await deepKeys(target, c, deepRuns, options.deepOffset);
      const deepCursor = keys.length ? await measure(target, keys.length, (i) => [c.query(keys[i]!.i), { after: keys[i]!.key, limit: PAGE_SIZE }]) : undefined;
      rows[c.name] = {
        'matches p1 (total)': first.total,
        'page 1 p50 ms': fmt(first.p50),
        'page 1 p99 ms': fmt(first.p99),
        [`offset ${options.deepOffset} p50 ms`]: deepOffset.empty ? 'n/a (fewer)' : fmt(deepOffset.p50),
        [`offset ${options.deepOffset} p99 ms`]: deepOffset.empty ? 'n/a (fewer)' : fmt(deepOffset.p99),
        'cursor deep p50 ms': deepCursor ? fmt(deepCursor.p50) : 'n/a (fewer)',
        'cursor deep p99 ms': deepCursor ? fmt(deepCursor.p99) : 'n/a (fewer)',
        ...(options.kind === 'ferretdb'
          ? { 'probes p1 / cursor': `${first.probes} / ${deepCursor?.probes ?? '-'}` }
          : // On a busy machine the wall-clock p99 is mostly waiting for a core; this is the work.
            {
              'CPU p99 ms p1 / offset / cursor': `${fmt(first.cpuP99)} / ${deepOffset.empty ? '-' : fmt(deepOffset.cpuP99)} / ${deepCursor ? fmt(deepCursor.cpuP99) : '-'}`,
            }),
      };
      if (options.printPlans) {
        plans.push(
          `\n[${c.name}] page 1: ${JSON.stringify(c.query(0))}`,
          ...(await target.explain(c.query(0), { offset: 0, limit: PAGE_SIZE })).map((l) => `  ${l}`),
        );
        const key = keys[0]?.key ?? { createdAt: CORPUS_END, recordId: 'ffffffff' };
        plans.push(`[${c.name}] cursor page:`, ...(await target.explain(c.query(keys[0]?.i ?? 0), { after: key, limit: PAGE_SIZE })).map((l) => `  ${l}`));
      }
    }
  } finally {
    await target.close();
  }
}

/** `cpuP99`: this process' CPU time per search (SQLite runs in it): what a search costs apart from waiting for a core. */
type Measured = { p50: number; p99: number; cpuP99: number; total: string; probes: string; empty: boolean };

async function measure(target: BenchReadModel, runs: number, request: (i: number) => [TicketSearchQuery, Page]): Promise<Measured> {
  const ms: number[] = [];
  const cpu: number[] = [];
  const totals = new Set<string>();
  const probes: number[] = [];
  let empty = true;
  for (let i = 0; i < runs; i++) {
    const [query, page] = request(i);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await target.readModel.search(query, page);
    ms.push(performance.now() - started);
    const spent = process.cpuUsage(cpuBefore);
    cpu.push((spent.user + spent.system) / 1000);
    probes.push(target.lastProbes());
    if (result.items.length) empty = false;
    totals.add(result.total === undefined ? 'not counted' : String(result.total));
  }
  const totalText = totals.size <= 3 ? [...totals].join(', ') : `${[...totals].slice(0, 2).join(', ')}, … (${totals.size} values)`;
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    cpuP99: percentile(cpu, 99),
    total: totalText,
    probes: `${percentile(probes, 50)}-${Math.max(...probes)}`,
    empty,
  };
}

/** The sort key of the match at `offset`, per run value, where there is one (not timed). */
async function deepKeys(target: BenchReadModel, c: Case, runs: number, offset: number): Promise<{ i: number; key: SortKey }[]> {
  const keys: { i: number; key: SortKey }[] = [];
  for (let i = 0; i < runs; i++) {
    const { items } = await target.readModel.search(c.query(i), { offset: offset - 1, limit: 1 });
    if (items[0]) keys.push({ i, key: { createdAt: items[0].requestedAt, recordId: items[0].recordId } });
  }
  return keys;
}
