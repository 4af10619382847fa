import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ticketHistoryEventSchema } from '@support-desk/contracts';
import { admin, catchUp, createTicket, images, multipart, seedCreateBody, startTestDesk, uploadImage, type TestDesk } from './testing/test-desk';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** GET /api/admin/tickets/{ticketId} and …/events, and the console's settings, in the all-in-one app. */
describe('admin ticket routes', () => {
  let desk: TestDesk;
  let created: { id: string; ticketId: string };
  let image: string;
  const get = (url: string, headers: Record<string, string> = admin) => desk.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    desk = await startTestDesk();
    image = await uploadImage(desk.app);
    created = (await createTicket(desk.app, { ...seedCreateBody, images: [image] })).json().data;
    const log = await desk.app.inject({
      method: 'POST',
      url: `/api/user/help/file/upload/${created.id}/LOG`,
      ...multipart({ content: Buffer.from('line 1\nline 2\n'), name: 'device.log', type: 'text/plain' }),
    });
    expect(log.statusCode, log.body).toBe(200);
    const photo = await desk.app.inject({
      method: 'POST',
      url: `/api/user/help/file/upload/${created.id}/FEEDBACK_PHOTO`,
      ...multipart({ content: images.png, name: 'photo.png', type: 'image/png' }),
    });
    expect(photo.statusCode, photo.body).toBe(200);
  });
  afterAll(() => desk.close());

  it('answers the support record, the same one search answers', async () => {
    const res = await get(`/api/admin/tickets/${created.ticketId}`);
    expect(res.statusCode, res.body).toBe(200);
    const record = res.json().data;
    expect(res.json()).toMatchObject({ error: false, detail: null, message: 'Ticket fetched' });
    expect(record).toMatchObject({
      id: created.id,
      ticketId: created.ticketId,
      email: seedCreateBody.email,
      phone: seedCreateBody.phone,
      ticketInfo: { subject: seedCreateBody.subject, images: [image], supportTicketId: null },
      sync: { status: 'PENDING', reason: null },
    });
    expect(record.logPath).toContain(`/api/aws/download/support/file/${created.ticketId}/LOG`);
    expect(record.feedbackPhoto).toContain(`/api/aws/download/support/file/${created.ticketId}/FEEDBACK_PHOTO`);
    const found = await vi.waitFor(async () => {
      const search = await desk.app.inject({
        method: 'POST',
        url: '/api/admin/fetch/customer/support',
        payload: { ticketId: created.ticketId },
        headers: admin,
      });
      const [first] = search.json().data;
      expect(first?.feedbackPhoto).toBeTruthy();
      return first;
    }, catchUp);
    expect(record).toEqual(found);
  });

  it('answers the ticket id whatever its case', async () => {
    const res = await get(`/api/admin/tickets/${created.ticketId.toUpperCase()}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.id).toBe(created.id);
  });

  it("answers the ticket's events in stream order, data as recorded", async () => {
    const res = await get(`/api/admin/tickets/${created.ticketId}/events`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().message).toBe('Ticket history fetched');
    const events = res.json().data as { type: string; revision: number; position: string; recordedAt: number; data: Record<string, unknown> }[];
    for (const event of events) expect(() => ticketHistoryEventSchema.parse(event)).not.toThrow();
    expect(events.map((e) => e.type)).toEqual(['TicketRequested', 'SupportFileUploaded', 'SupportFileUploaded']);
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(events[0]!.data).toMatchObject({
      recordId: created.id,
      ticketId: created.ticketId,
      email: seedCreateBody.email,
      phone: seedCreateBody.phone,
      images: [image],
    });
    expect(events[1]!.data).toMatchObject({ fileType: 'LOG', fileName: 'device.log', size: 14 });
    expect(events[2]!.data).toMatchObject({ fileType: 'FEEDBACK_PHOTO', fileName: 'photo.png', contentType: 'image/png' });
    expect(events[0]!.recordedAt).toBeLessThanOrEqual(events[2]!.recordedAt);
    // Metadata (correlation ids, request hashes) is not part of the answer.
    expect(Object.keys(events[0]!).sort()).toEqual(['data', 'id', 'position', 'recordedAt', 'revision', 'type']);
  });

  it.each(['', '/events'])('refuses an unknown ticket with 404 TICKET.NOT_FOUND and a malformed id with 400 (%s)', async (suffix) => {
    const unknown = await get(`/api/admin/tickets/${UNKNOWN}${suffix}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ data: null, error: true, detail: { code: 'TICKET.NOT_FOUND' }, message: `No ticket with id ${UNKNOWN}` });
    const malformed = await get(`/api/admin/tickets/not-a-uuid${suffix}`);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: true, data: null, detail: { code: 'REQUEST.VALIDATION' } });
  });

  it.each([`/api/admin/tickets/{id}`, `/api/admin/tickets/{id}/events`, '/api/admin/console-config'])(
    '%s needs the admin token: 401 without, 403 wrong',
    async (path) => {
      const url = path.replace('{id}', created.ticketId);
      expect((await get(url, {})).statusCode).toBe(401);
      const wrong = await get(url, { authorization: 'Bearer not-the-token' });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().detail.code).toBe('AUTH.FORBIDDEN');
    },
  );

  it('tells the console no Zendesk account is configured', async () => {
    const res = await get('/api/admin/console-config');
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({ zendeskUrl: null });
  });

  it('documents the routes in the OpenAPI document, admin token required', async () => {
    const doc = (await get('/api/openapi.json', {})).json();
    for (const path of ['/api/admin/tickets/{ticketId}', '/api/admin/tickets/{ticketId}/events', '/api/admin/console-config']) {
      const operation = doc.paths[path]?.get;
      expect(operation, path).toBeDefined();
      expect(operation.security).toEqual([{ adminToken: [] }]);
    }
    expect(Object.keys(doc.paths['/api/admin/tickets/{ticketId}'].get.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
  });
});

describe('console settings with Zendesk configured', () => {
  it('give the account URL for "Open in Zendesk" links', async () => {
    // A local address that nothing answers: no ticket is created, so nothing is sent there anyway.
    const desk = await startTestDesk({ ZENDESK_URL: 'http://127.0.0.1:9/zendesk/', ZENDESK_OAUTH_TOKEN: 'token' });
    try {
      const res = await desk.app.inject({ method: 'GET', url: '/api/admin/console-config', headers: admin });
      expect(res.json().data).toEqual({ zendeskUrl: 'http://127.0.0.1:9/zendesk' });
    } finally {
      await desk.close();
    }
  });
});
