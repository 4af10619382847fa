import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryTicketReadModel, type Page, type TicketSearchQuery } from '@support-desk/read-model';
import { sampleView } from '@support-desk/read-model/testing';
import { adminGuard, createServiceApp, type ServiceApp } from '@support-desk/service-kit';
import { searchTicketsRoute } from './search-tickets.route';

const links = { supportFileUrl: (t: string, type: string) => `http://desk.test/${t}/${type}`, imageUrl: (n: string) => `http://desk.test/i/${n}` };
const admin = { authorization: 'Bearer route-admin' };
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** A read model that, like FerretDB's walk, leaves out totals. */
class UncountedReadModel extends InMemoryTicketReadModel {
  override async search(query: TicketSearchQuery, page: Page) {
    const { total: _total, ...rest } = await super.search(query, page);
    return rest;
  }
}

describe('POST /api/admin/fetch/customer/support: filters and cursor paging', () => {
  let app: ServiceApp;
  let uncounted: ServiceApp;
  const views = [
    sampleView({
      requestedAt: day('2024-05-01') - 1,
      subject: 'Login broken',
      category: 'Auth',
      ticketStatus: 'open',
      sync: { status: 'SYNCED', zendeskTicketId: '7' },
    }),
    sampleView({ requestedAt: day('2024-05-01'), subject: 'Crash on start', category: 'crash' }),
    sampleView({ requestedAt: day('2024-05-01') + 3_600_000, subject: 'Crash after update', category: 'crash', sync: { status: 'FAILED', reason: '503' } }),
    sampleView({ requestedAt: day('2024-05-02'), subject: 'Crash again', category: 'crash' }),
    ...Array.from({ length: 7 }, (_, i) => sampleView({ requestedAt: day('2024-06-01') + i, subject: `Bulk ${i}`, category: 'bulk' })),
  ];
  const search = (target: ServiceApp, body: object, query = '') =>
    target.inject({ method: 'POST', url: `/api/admin/fetch/customer/support${query}`, payload: body, headers: admin });
  const ids = (res: { json(): { data: { id: string }[] } }) => res.json().data.map((r) => r.id);
  const idsOf = (...picked: number[]) => picked.map((i) => views[i]!.recordId);

  beforeAll(async () => {
    const build = async (readModel: InMemoryTicketReadModel) => {
      for (const view of views) await readModel.upsert({ view, revision: 0 });
      const built = await createServiceApp({ name: 'search-route-test', logLevel: 'silent' });
      await built.register(searchTicketsRoute({ readModel, links, adminGuard: adminGuard(['route-admin']) }));
      await built.ready();
      return built;
    };
    app = await build(new InMemoryTicketReadModel());
    uncounted = await build(new UncountedReadModel());
  });
  afterAll(async () => {
    await app.close();
    await uncounted.close();
  });

  it('filters by free text, statuses, category and creation dates (from inclusive, to exclusive), all ANDed', async () => {
    expect(ids(await search(app, { q: 'CRASH' }))).toEqual(idsOf(3, 2, 1));
    expect(ids(await search(app, { q: 'crash update' }))).toEqual(idsOf(2));
    expect(ids(await search(app, { syncStatus: 'failed' }))).toEqual(idsOf(2));
    expect(ids(await search(app, { ticketStatus: 'OPEN', category: 'auth' }))).toEqual(idsOf(0));
    expect(ids(await search(app, { category: 'crash', createdFrom: '2024-05-01', createdTo: '2024-05-02' }))).toEqual(idsOf(2, 1));
    expect(ids(await search(app, { createdFrom: '2024-05-01T01:00:00Z', createdTo: '2024-05-02T00:00:00.001Z' }))).toEqual(idsOf(3, 2));
    expect(ids(await search(app, { createdTo: '2024-05-01T02:00:00+02:00' }))).toEqual(idsOf(0)); // = 00:00Z, exclusive
    expect(
      ids(await search(app, { q: '', ticketStatus: null, syncStatus: '', category: '  ', createdFrom: '', createdTo: null, uuid: views[1]!.uuid })),
    ).toEqual(idsOf(1));
  });

  it('refuses unparsable dates, a from after the to, bad statuses and oversized or control-character text with 400', async () => {
    const cases: [object, RegExp][] = [
      [{ createdFrom: 'yesterday' }, /createdFrom: must be an ISO 8601 date/],
      [{ createdTo: '2024-02-30' }, /createdTo: must be an ISO 8601 date/],
      [{ createdFrom: '2024-05-01T25:00Z' }, /createdFrom/],
      [{ createdFrom: 20240501 }, /createdFrom/],
      [{ createdFrom: '2024-05-03', createdTo: '2024-05-02' }, /createdTo: must not be before createdFrom/],
      [{ syncStatus: 'DONE' }, /syncStatus: must be one of PENDING, SYNCED, FAILED/],
      [{ q: 'x'.repeat(201) }, /q: must be at most 200 characters/],
      [{ q: 'a\u0007b' }, /q: must not contain control characters/],
      [{ category: { $ne: '' } }, /category/],
      [{ ticketStatus: ['open'] }, /ticketStatus/],
    ];
    for (const [body, message] of cases) {
      const res = await search(app, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: true, data: null, detail: { code: 'REQUEST.VALIDATION' } });
      expect(res.json().message).toMatch(message);
    }
    const same = await search(app, { createdFrom: '2024-05-02', createdTo: '2024-05-02' });
    expect(same.statusCode).toBe(200); // an empty range is a question with no answer, not a mistake
    expect(same.json().data).toEqual([]);
  });

  it('pages with X-Next-Cursor to the last page, which has none; cursor pages say no page number or total', async () => {
    const seen: string[] = [];
    let res = await search(app, { category: 'bulk' }, '?pageSize=3');
    expect(res.headers).toMatchObject({ 'x-total-count': '7', 'x-page': '1', 'x-page-size': '3' });
    for (let pages = 1; ; pages++) {
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...ids(res));
      const next = res.headers['x-next-cursor'] as string | undefined;
      if (!next) {
        expect(pages).toBe(3);
        break;
      }
      expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
      res = await search(app, { category: ' BULK ' }, `?pageSize=3&cursor=${next}`); // the same search, spelled differently
      expect(res.headers['x-total-count']).toBeUndefined();
      expect(res.headers['x-page']).toBeUndefined();
      expect(res.headers['x-page-size']).toBe('3');
    }
    expect(seen).toEqual(idsOf(10, 9, 8, 7, 6, 5, 4));
    // Numbered pages say X-Next-Cursor too, except the last.
    expect((await search(app, { category: 'bulk' }, '?page=2&pageSize=3')).headers['x-next-cursor']).toBeTruthy();
    expect((await search(app, { category: 'bulk' }, '?page=3&pageSize=3')).headers['x-next-cursor']).toBeUndefined();
  });

  it('refuses a cursor of another search, a cursor it never gave out, and page with cursor', async () => {
    const first = await search(app, { category: 'bulk' }, '?pageSize=2');
    const cursor = first.headers['x-next-cursor'] as string;
    for (const [body, query] of [
      [{ category: 'crash' }, `?cursor=${cursor}`],
      [{ category: 'bulk', q: 'bulk' }, `?cursor=${cursor}`],
      [{ category: 'bulk' }, `?cursor=${Buffer.from('{"v":1}').toString('base64url')}`],
      [{ category: 'bulk' }, '?cursor=bm90IGpzb24'],
    ] as const) {
      const res = await search(app, body, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ error: true, data: null, detail: { code: 'SEARCH.BAD_CURSOR' } });
    }
    for (const query of [`?page=2&cursor=${cursor}`, '?cursor=not%20base64!', `?cursor=${'a'.repeat(600)}`]) {
      const res = await search(app, { category: 'bulk' }, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ detail: { code: 'REQUEST.VALIDATION' } });
    }
  });

  it('leaves X-Total-Count out when the read model does not count, and still pages', async () => {
    const res = await search(uncounted, { category: 'bulk' }, '?pageSize=5');
    expect(res.headers['x-total-count']).toBeUndefined();
    expect(res.headers['x-page']).toBe('1');
    const next = await search(uncounted, { category: 'bulk' }, `?pageSize=5&cursor=${res.headers['x-next-cursor'] as string}`);
    expect([...ids(res), ...ids(next)]).toEqual(idsOf(10, 9, 8, 7, 6, 5, 4));
  });
});
