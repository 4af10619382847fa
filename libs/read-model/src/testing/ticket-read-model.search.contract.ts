import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sortKeyOf, type Page, type SortKey, type TicketReadModel, type TicketSearchQuery } from '../ticket-read-model.port';
import type { TicketView } from '../ticket-view';
import { sampleView } from './sample-view';

const DAY = 86_400_000;

/**
 * Filters beyond the seed's six fields, free text, and keyset paging. Each test
 * starts from an empty read model (the factory gives a fresh one).
 */
export function searchContract(readModel: () => TicketReadModel): void {
  const store = async (views: TicketView[], revision = 0) => {
    for (const view of views) await readModel().upsert({ view, revision });
  };
  const ids = async (query: TicketSearchQuery, limit = 100) => (await readModel().search(query, { offset: 0, limit })).items.map((v) => v.recordId);
  const newestFirst = (views: TicketView[]) =>
    [...views].sort((a, b) => b.requestedAt - a.requestedAt || (a.recordId < b.recordId ? 1 : -1)).map((v) => v.recordId);

  it('filters by ticket status, sync status and category (any case), as an AND', async () => {
    const open = sampleView({ ticketStatus: 'open', category: 'Crash', sync: { status: 'SYNCED', zendeskTicketId: '11' } });
    const solved = sampleView({ ticketStatus: 'SOLVED', category: 'crash', sync: { status: 'SYNCED', zendeskTicketId: '12' } });
    const failed = sampleView({ category: 'billing', sync: { status: 'FAILED', reason: 'Zendesk said 503' } });
    const pending = sampleView({ category: 'billing' });
    await store([open, solved, failed, pending]);
    expect(await ids({ ticketStatus: 'OPEN' })).toEqual([open.recordId]);
    expect(await ids({ ticketStatus: ' solved ' })).toEqual([solved.recordId]);
    expect((await ids({ ticketStatus: 'created' })).sort()).toEqual([failed.recordId, pending.recordId].sort());
    expect(await ids({ syncStatus: 'FAILED' })).toEqual([failed.recordId]);
    expect(await ids({ syncStatus: 'PENDING' })).toEqual([pending.recordId]);
    expect((await ids({ category: 'CRASH' })).sort()).toEqual([open.recordId, solved.recordId].sort());
    expect(await ids({ category: 'crash', syncStatus: 'SYNCED', ticketStatus: 'open' })).toEqual([open.recordId]);
    expect(await ids({ category: 'billing', syncStatus: 'SYNCED' })).toEqual([]);
    expect(await ids({ category: 'billing', uuid: pending.uuid })).toEqual([pending.recordId]);
  });

  it('filters by creation date: from inclusive, to exclusive', async () => {
    const base = Date.UTC(2024, 4, 1);
    const views = [-1, 0, 1, DAY - 1, DAY, 3 * DAY].map((d) => sampleView({ requestedAt: base + d }));
    await store(views);
    const at = (...offsets: number[]) => newestFirst(views.filter((v) => offsets.includes(v.requestedAt - base)));
    expect(await ids({ createdFrom: base, createdTo: base + DAY })).toEqual(at(0, 1, DAY - 1));
    expect(await ids({ createdFrom: base + DAY })).toEqual(at(DAY, 3 * DAY));
    expect(await ids({ createdTo: base })).toEqual(at(-1));
    expect(await ids({ createdFrom: base + DAY, createdTo: base + DAY })).toEqual([]);
    expect(await ids({ createdFrom: base + 2 * DAY, createdTo: base })).toEqual([]);
  });

  it('finds free text in subject and message: whole words, any case or accent, every word', async () => {
    const a = sampleView({ subject: 'App CRASHES at login', message: 'The café screen freezes, then closes.' });
    const b = sampleView({ subject: 'Billing question', message: 'I was charged twice for the crash-protection plan' });
    const c = sampleView({ subject: 'Login slow', message: 'Takes 30 seconds' });
    await store([a, b, c]);
    expect(await ids({ q: 'crashes' })).toEqual([a.recordId]);
    expect(await ids({ q: 'Cafe' })).toEqual([a.recordId]);
    expect(await ids({ q: 'CAFÉ freezes' })).toEqual([a.recordId]);
    expect((await ids({ q: 'login' })).sort()).toEqual([a.recordId, c.recordId].sort());
    expect(await ids({ q: 'login seconds' })).toEqual([c.recordId]);
    expect(await ids({ q: 'crash' })).toEqual([b.recordId]); // "crash-protection" holds the word; "crashes" is another word
    expect(await ids({ q: 'cras' })).toEqual([]); // whole words only
    expect(await ids({ q: '30' })).toEqual([c.recordId]);
    expect(await ids({ q: 'login', uuid: c.uuid })).toEqual([c.recordId]);
    expect(await ids({ q: 'login', syncStatus: 'SYNCED' })).toEqual([]);
    expect(await ids({ q: '!!! ...' })).toEqual([]); // no word at all: nothing matches
  });

  it('treats free text and filter values as data, never as query syntax', async () => {
    await store([sampleView({ subject: 'near the end', message: 'or not' })]);
    for (const q of ['"', 'NEAR(end)', 'end OR x', 'end*', '-end', 'subject:end', '{"$ne":""}', '.*', "' OR '1'='1", '^']) {
      const found = await ids({ q });
      // Only the words count: "NEAR(end)" is the words near and end, both there.
      expect(found.length <= 1, q).toBe(true);
    }
    expect(await ids({ q: 'end OR x' })).toEqual([]); // "x" is not there; OR is just a word
    expect(await ids({ q: 'NEAR(end)' })).toHaveLength(1);
    for (const value of ['.*', '%', '_', '{"$ne":""}']) {
      expect(await ids({ ticketStatus: value })).toEqual([]);
      expect(await ids({ category: value })).toEqual([]);
    }
  });

  it('pages with a cursor (the last ticket shown) through every match exactly once, ties included', async () => {
    const t = Date.UTC(2023, 0, 1);
    // Five of them in one millisecond: their order is the adapter's, but the same on every page.
    const views = [0, 5, 5, 5, 5, 5, 9, 12, 40, 41, 77].map((ms) => sampleView({ requestedAt: t + ms, category: 'paged' }));
    await store([...views, sampleView({ requestedAt: t + 6, category: 'other' })]);
    const all = (await readModel().search({ category: 'paged' }, { offset: 0, limit: 100 })).items;
    expect(all.map((v) => v.recordId).sort()).toEqual(views.map((v) => v.recordId).sort());
    expect(all.map((v) => v.requestedAt - t)).toEqual([77, 41, 40, 12, 9, 5, 5, 5, 5, 5, 0]);
    const expected = all.map((v) => v.recordId);
    for (const limit of [1, 2, 3, 5, 11, 20]) {
      expect(await pageAll(readModel(), { category: 'paged' }, limit), `pages of ${limit}`).toEqual(expected);
      expect(await byOffset(readModel(), { category: 'paged' }, limit), `offset pages of ${limit}`).toEqual(expected);
    }
    const first = await readModel().search({ category: 'paged' }, { offset: 0, limit: 4 });
    // An adapter may leave out a total that would cost it a scan (the port says when); never a wrong one.
    expect([undefined, 11]).toContain(first.total);
    expect(first.hasMore).toBe(true);
    const next = await readModel().search({ category: 'paged' }, { after: sortKeyOf(first.items.at(-1)!), limit: 4 });
    expect(next.total).toBeUndefined(); // keyset pages never count
    expect(next.items.map((v) => v.recordId)).toEqual(expected.slice(4, 8));
  });

  it('pages newest first over years, with long empty stretches, by offset and by cursor alike', async () => {
    // Spread the way a walk over time buckets sees them: bursts, gaps of months, a lone old one.
    const start = Date.UTC(2021, 0, 1);
    const at = [0, 1, 2, 3, 60_000, 3_600_000, DAY, DAY + 1, 40 * DAY, 41 * DAY, 200 * DAY, 700 * DAY, 700 * DAY + 5, 900 * DAY];
    const views = at.map((ms, i) => sampleView({ requestedAt: start + ms, category: i % 3 === 0 ? 'third' : 'rest' }));
    await store(views);
    const all = newestFirst(views);
    const thirds = newestFirst(views.filter((_, i) => i % 3 === 0));
    expect(await pageAll(readModel(), {}, 3)).toEqual(all);
    expect(await pageAll(readModel(), { category: 'third' }, 2)).toEqual(thirds);
    expect(await byOffset(readModel(), {}, 4)).toEqual(all);
    expect(await byOffset(readModel(), { category: 'third' }, 1)).toEqual(thirds);
    const from = start + DAY;
    const to = start + 700 * DAY + 1;
    const window = newestFirst(views.filter((v) => v.requestedAt >= from && v.requestedAt < to));
    expect(await pageAll(readModel(), { createdFrom: from, createdTo: to }, 2)).toEqual(window);
    const deep = await readModel().search({}, { offset: 10, limit: 3 });
    expect(deep.items.map((v) => v.recordId)).toEqual(all.slice(10, 13));
    expect(deep.hasMore).toBe(true);
  });

  it('answers an empty page and a page past the end', async () => {
    await store([sampleView({ category: 'x' }), sampleView({ category: 'x' })]);
    expect(await readModel().search({ category: 'x' }, { offset: 0, limit: 0 })).toMatchObject({ items: [], hasMore: true });
    expect(await readModel().search({ category: 'x' }, { offset: 5, limit: 10 })).toMatchObject({ items: [], hasMore: false });
    const last = { createdAt: 0, recordId: randomUUID() } satisfies SortKey;
    expect(await readModel().search({ category: 'x' }, { after: last, limit: 10 })).toEqual({ items: [], hasMore: false });
  });
}

/** Every match, following the cursor from page to page. */
export async function pageAll(readModel: TicketReadModel, query: TicketSearchQuery, limit: number): Promise<string[]> {
  const out: string[] = [];
  let page: Page = { offset: 0, limit };
  for (let guard = 0; guard < 1000; guard++) {
    const result = await readModel.search(query, page);
    out.push(...result.items.map((v) => v.recordId));
    if (!result.hasMore) return out;
    page = { after: sortKeyOf(result.items.at(-1)!), limit };
  }
  throw new Error('paging did not end');
}

async function byOffset(readModel: TicketReadModel, query: TicketSearchQuery, limit: number): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; offset < 1000 * limit; offset += limit) {
    const result = await readModel.search(query, { offset, limit });
    out.push(...result.items.map((v) => v.recordId));
    if (!result.hasMore) return out;
  }
  throw new Error('paging did not end');
}
