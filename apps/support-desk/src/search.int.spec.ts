import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { admin, catchUp, createTicket, seedCreateBody, startTestDesk, type TestDesk } from './testing/test-desk';

describe('POST /api/admin/fetch/customer/support', () => {
  let desk: TestDesk;
  const search = (body: unknown, query = '', headers: Record<string, string> = admin) =>
    desk.app.inject({ method: 'POST', url: `/api/admin/fetch/customer/support${query}`, payload: body as object, headers });

  let mine: { id: string; ticketId: string }[];
  beforeAll(async () => {
    desk = await startTestDesk();
    const base = { ...seedCreateBody, uuid: 'user-search', udid: 'DEVICE-1', email: 'Search.Me@Example.com', phone: '+44 20 7946 0001' };
    mine = [];
    for (const extra of [{}, { udid: 'DEVICE-2' }, { phone: '+1 555 0100 222', email: 'other@example.com' }]) {
      mine.push((await createTicket(desk.app, { ...base, ...extra })).json().data);
    }
    await vi.waitFor(async () => expect((await search({ uuid: 'user-search' })).json().data).toHaveLength(3), catchUp);
  });
  afterAll(() => desk.close());

  const ids = async (body: unknown, query = '') => {
    const res = await search(body, query);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().data as { id: string }[]).map((r) => r.id);
  };

  it('answers in the envelope with the contract message, newest first', async () => {
    const res = await search({ uuid: 'user-search' });
    expect(res.json()).toMatchObject({ error: false, detail: null, message: 'Customer support info fetched successfully.' });
    expect(res.json().data.map((r: { id: string }) => r.id)).toEqual([...mine].reverse().map((r) => r.id));
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('finds by each field and combines fields with AND', async () => {
    expect(await ids({ udid: 'device-2' })).toEqual([mine[1]!.id]);
    expect(await ids({ email: 'search.me@example.com', uuid: 'user-search' })).toHaveLength(2);
    expect(await ids({ phone: '+15550100222' })).toEqual([mine[2]!.id]);
    expect(await ids({ ticketId: mine[0]!.ticketId })).toEqual([mine[0]!.id]);
    expect(await ids({ ticketId: mine[0]!.ticketId, udid: 'DEVICE-2' })).toEqual([]);
    expect(await ids({ zendeskTicketId: '345' })).toEqual([]);
  });

  it('treats empty strings and nulls as not given', async () => {
    expect(await ids({ uuid: 'user-search', udid: '', email: '', phone: null, ticketId: '', zendeskTicketId: '' })).toHaveLength(3);
  });

  it('pages with ?page=&pageSize= and says the total', async () => {
    const first = await search({ uuid: 'user-search' }, '?page=1&pageSize=2');
    const second = await search({ uuid: 'user-search' }, '?page=2&pageSize=2');
    expect(first.json().data).toHaveLength(2);
    expect(second.json().data).toHaveLength(1);
    expect(first.headers['x-total-count']).toBe('3');
    expect([...first.json().data, ...second.json().data].map((r: { id: string }) => r.id)).toEqual([...mine].reverse().map((r) => r.id));
  });

  it('refuses operators and other non-strings with 400 (no query injection)', async () => {
    for (const body of [{ email: { $ne: '' } }, { uuid: ['a'] }, { phone: 123 }, { ticketId: { $gt: '' } }, { uuid: 'a\u0000b' }]) {
      const res = await search(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: true, data: null, detail: { code: 'REQUEST.VALIDATION' } });
    }
  });

  it('refuses bad paging and bad bodies with 400', async () => {
    expect((await search({}, '?pageSize=101')).statusCode).toBe(400);
    expect((await search({}, '?page=0')).statusCode).toBe(400);
    expect((await search({}, '?page=abc')).statusCode).toBe(400);
    expect((await search([])).statusCode).toBe(400);
  });

  it('never serves without admin credentials', async () => {
    const none = await search({ uuid: 'user-search' }, '', {});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ data: null, error: true });
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await search({ uuid: 'user-search' }, '', { authorization: 'Bearer nope' })).statusCode).toBe(403);
  });
});

describe('API documentation and health', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(() => desk.close());

  it('serves an OpenAPI document with every contract path, and Swagger UI', async () => {
    const doc = (await desk.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/admin/fetch/customer/support',
        '/api/admin/images/{name}',
        '/api/admin/tickets/{ticketId}',
        '/api/admin/tickets/{ticketId}/events',
        '/api/admin/console-config',
        '/api/admin/zendesk/sync/{ticketId}',
        '/api/admin/users/{uuid}/erase',
        '/api/admin/users/{uuid}/erasure',
        '/api/admin/users/{uuid}/export',
        '/api/zendesk/webhook',
        '/api/aws/download/support/file/{coreTicketId}/{fileType}',
        '/api/common/upload/file',
        '/api/user/help/file/upload/{feedbackId}/{fileType}',
        '/api/user/log/message',
        '/api/user/tickets',
        '/api/user/tickets/{ticketId}',
        '/api/user/tickets/{ticketId}/comments',
        '/api/zendesk/webhook/comments',
      ].sort(),
    );
    expect(doc.paths['/api/user/log/message'].post.requestBody.content['application/json'].schema).toBeTruthy();
    const ui = await desk.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('reports health', async () => {
    const res = await desk.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ error: false, data: { checks: { eventStore: 'ok' } } });
  });
});
