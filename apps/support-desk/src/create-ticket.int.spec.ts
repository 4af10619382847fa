import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketStreamId } from '@support-desk/contracts';
import { createTicket, seedCreateBody, startTestDesk, uploadImage, type TestDesk } from './testing/test-desk';

describe('POST /api/user/log/message', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(() => desk.close());

  it('accepts the contract body unchanged once its image exists, and answers with the support record', async () => {
    const image = await uploadImage(desk.app);
    const res = await createTicket(desk.app, { ...seedCreateBody, images: [image] });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ error: false, detail: null, message: 'Adding a complaint successful' });
    const d = body.data;
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.ticketId).toMatch(/^[0-9a-f-]{36}$/);
    expect(d).toMatchObject({
      user: { id: seedCreateBody.uuid },
      device: { udid: seedCreateBody.udid },
      name: 'sudipta',
      email: seedCreateBody.email,
      phone: '+919916248135',
      category: 'cat1',
      logPath: null,
      feedbackPhoto: null,
      ticketInfo: {
        id: d.ticketId,
        supportTicketId: null,
        subject: seedCreateBody.subject,
        message: seedCreateBody.message,
        ticketStatus: 'CREATED',
        userId: seedCreateBody.uuid,
        images: [image],
      },
    });
    expect(typeof d.creationDate).toBe('number');
    const events = await desk.adapters.eventStore.readStream(ticketStreamId(d.id));
    expect(events.map((e) => e.type)).toEqual(['TicketRequested']);
  });

  it('accepts the optional fields absent, null or empty', async () => {
    const { name: _n, phone: _p, images: _i, ...required } = seedCreateBody;
    for (const extra of [{}, { name: null, phone: null, images: null }, { name: '', phone: '', images: [] }]) {
      const res = await createTicket(desk.app, { ...required, ...extra });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toMatchObject({ name: null, phone: null, ticketInfo: { images: [] } });
    }
  });

  it('names the image that was never uploaded', async () => {
    const res = await createTicket(desk.app, { ...seedCreateBody, images: ['732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg'] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ data: null, error: true, detail: { code: 'TICKET.IMAGE_NOT_FOUND' } });
    expect(res.json().message).toContain('732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg');
  });

  describe('refuses bad input with a 400 that names the problem', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a missing required field', { ...seedCreateBody, email: undefined }, /body\.email: is required/],
      ['a blank required field', { ...seedCreateBody, subject: '   ' }, /body\.subject: must not be empty/],
      ['a number where a string belongs', { ...seedCreateBody, uuid: 42 }, /body\.uuid/],
      ['an object where a string belongs', { ...seedCreateBody, category: { $ne: '' } }, /body\.category/],
      ['an invalid email', { ...seedCreateBody, email: 'not-an-email' }, /body\.email: must be a valid email/],
      ['an invalid phone', { ...seedCreateBody, phone: 'call me' }, /body\.phone: must be a phone number/],
      ['images that is not an array', { ...seedCreateBody, images: 'a.jpeg' }, /body\.images/],
      ['an image name we never generate', { ...seedCreateBody, images: ['../../etc/passwd'] }, /body\.images\.0/],
      [
        'too many images',
        { ...seedCreateBody, images: Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-00000000000${i % 10}.png`) },
        /at most 10 images/,
      ],
      ['an overlong subject', { ...seedCreateBody, subject: 'x'.repeat(256) }, /body\.subject: must be at most 255/],
      ['control characters', { ...seedCreateBody, name: 'a\u0000b' }, /body\.name: must not contain control characters/],
      ['an array body', [seedCreateBody], /expected object/],
      ['a string body', 'hello', /expected object/],
      ['a null body', null, /expected object/],
    ];
    it.each(cases)('%s', async (_label, payload, message) => {
      const res = await desk.app.inject({
        method: 'POST',
        url: '/api/user/log/message',
        payload: JSON.stringify(payload),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ data: null, error: true, detail: { code: 'REQUEST.VALIDATION' } });
      expect(body.message).toMatch(message);
    });

    it('malformed JSON, an empty body, a __proto__ key', async () => {
      const send = (payload: string) =>
        desk.app.inject({ method: 'POST', url: '/api/user/log/message', payload, headers: { 'content-type': 'application/json' } });
      expect((await send('{"uuid": ')).json()).toMatchObject({ error: true, detail: { code: 'REQUEST.MALFORMED_JSON' } });
      expect((await send('')).json()).toMatchObject({ error: true, detail: { code: 'REQUEST.EMPTY_BODY' } });
      const proto = await send('{"__proto__": {"admin": true}}');
      expect(proto.statusCode).toBe(400);
      expect(proto.json().detail.code).toBe('REQUEST.VALIDATION');
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });

    it('a body that is not JSON gets 415', async () => {
      const res = await desk.app.inject({ method: 'POST', url: '/api/user/log/message', payload: '<xml/>', headers: { 'content-type': 'application/xml' } });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: true, data: null });
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first response again for the same key and body, without a second ticket', async () => {
      const headers = { 'idempotency-key': 'retry-1' };
      const first = await createTicket(desk.app, seedCreateBody, headers);
      const again = await createTicket(desk.app, { ...seedCreateBody }, headers);
      expect(first.statusCode).toBe(200);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      const events = await desk.adapters.eventStore.readStream(ticketStreamId(first.json().data.id));
      expect(events).toHaveLength(1);
    });

    it('refuses the same key with another body with 422', async () => {
      const headers = { 'idempotency-key': 'retry-2' };
      expect((await createTicket(desk.app, seedCreateBody, headers)).statusCode).toBe(200);
      const other = await createTicket(desk.app, { ...seedCreateBody, message: 'something else' }, headers);
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ error: true, detail: { code: 'IDEMPOTENCY.KEY_REUSED' } });
    });

    it('makes concurrent retries with one key create one ticket', async () => {
      const headers = { 'idempotency-key': 'retry-3' };
      const results = await Promise.all(Array.from({ length: 5 }, () => createTicket(desk.app, seedCreateBody, headers)));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(results.map((r) => r.json().data.ticketId)).size).toBe(1);
    });

    it('creates distinct tickets without a key', async () => {
      const a = await createTicket(desk.app);
      const b = await createTicket(desk.app);
      expect(a.json().data.ticketId).not.toBe(b.json().data.ticketId);
    });
  });
});
