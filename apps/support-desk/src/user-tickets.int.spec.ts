import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUserNotification, signZendeskWebhook } from '@support-desk/feature-zendesk-sync';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { mintUserToken } from '@support-desk/service-kit';
import { TestJwksServer } from '@support-desk/service-kit/testing';
import { admin, catchUp, multipart, images, seedCreateBody, startTestDesk, uploadImage, type TestDesk } from './testing/test-desk';

const SECRET = 'user-jwt-secret-for-tests-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-for-tests';
const ISSUER = 'https://app.example.test';
const AUDIENCE = 'support-desk';
const USER_A = '11111111-aaaa-4aaa-8aaa-111111111111';
const USER_B = '22222222-bbbb-4bbb-8bbb-222222222222';

/** USER_AUTH=jwt in the all-in-one app: identity, the user's own tickets, and the conversation both ways with our fake Zendesk. */
describe('app users with USER_AUTH=jwt', () => {
  let jwks: TestJwksServer;
  let zendesk: FakeZendesk;
  let desk: TestDesk;
  let pushBackend: Server;
  const pushes: { signature: string; timestamp: string; body: string }[] = [];
  const hs = (sub: string, extra: { iss?: string; aud?: string; expiresIn?: string | number } = {}) =>
    mintUserToken({ secret: SECRET, sub, issuer: extra.iss ?? ISSUER, audience: extra.aud ?? AUDIENCE, expiresIn: extra.expiresIn });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const as = async (sub: string) => bearer(await hs(sub));

  const create = async (sub: string, headers?: Record<string, string>) =>
    desk.app.inject({ method: 'POST', url: '/api/user/log/message', payload: { ...seedCreateBody, uuid: sub }, headers: headers ?? (await as(sub)) });
  const commentWebhook = (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    const timestamp = new Date().toISOString();
    return desk.app.inject({
      method: 'POST',
      url: '/api/zendesk/webhook/comments',
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': signZendeskWebhook(WEBHOOK_SECRET, timestamp, Buffer.from(raw)),
      },
    });
  };

  beforeAll(async () => {
    jwks = await TestJwksServer.start();
    await jwks.addKey('rsa-1', 'RS256');
    await jwks.addKey('ec-1', 'ES256');
    zendesk = await FakeZendesk.start();
    pushBackend = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pushes.push({
          signature: String(req.headers['x-support-desk-signature']),
          timestamp: String(req.headers['x-support-desk-timestamp']),
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(204).end();
      });
    });
    pushBackend.listen(0, '127.0.0.1');
    await once(pushBackend, 'listening');
    desk = await startTestDesk({
      USER_NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(pushBackend.address() as AddressInfo).port}/push`,
      USER_NOTIFY_WEBHOOK_SECRET: 'push-secret-0123456789',
      USER_AUTH: 'jwt',
      USER_JWT_SECRET: SECRET,
      USER_JWT_JWKS_URL: jwks.url,
      USER_JWT_ISSUER: ISSUER,
      USER_JWT_AUDIENCE: AUDIENCE,
      USER_JWT_JWKS_COOLDOWN_SECONDS: '0',
      ZENDESK_URL: zendesk.url,
      ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
      ZENDESK_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ZENDESK_RETRY_BASE_MS: '5',
      ZENDESK_RETRY_MAX_MS: '20',
      ZENDESK_REQUESTS_PER_MINUTE: '6000',
    });
  });
  afterAll(async () => {
    await desk?.close();
    await zendesk?.close();
    await jwks?.close();
    pushBackend?.close();
  });

  describe('identity', () => {
    it('answers 401 on every app route without a token, with an expired, forged or foreign token, and with the admin token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await hs(USER_A, { expiresIn: now - 120 });
      const wrongIssuer = await hs(USER_A, { iss: 'https://elsewhere.test' });
      const wrongAudience = await hs(USER_A, { aud: 'another-api' });
      const forged = (await hs(USER_A)).slice(0, -4) + 'AAAA';
      const otherSecret = await mintUserToken({ secret: 'x'.repeat(40), sub: USER_A, issuer: ISSUER, audience: AUDIENCE });
      const routes = [
        { method: 'POST' as const, url: '/api/user/log/message', payload: { ...seedCreateBody, uuid: USER_A } },
        {
          method: 'POST' as const,
          url: '/api/common/upload/file?bucketType=LOG_IMAGE',
          ...multipart({ content: images.jpeg, name: 'a.jpg', type: 'image/jpeg' }),
        },
        { method: 'GET' as const, url: '/api/user/tickets' },
        { method: 'GET' as const, url: `/api/user/tickets/${crypto.randomUUID()}` },
        { method: 'POST' as const, url: `/api/user/tickets/${crypto.randomUUID()}/comments`, payload: { body: 'hi' } },
      ];
      const cases: [string, Record<string, string>, string][] = [
        ['none', {}, 'USER_AUTH.REQUIRED'],
        ['expired', bearer(expired), 'USER_AUTH.EXPIRED'],
        ['wrong issuer', bearer(wrongIssuer), 'USER_AUTH.INVALID'],
        ['wrong audience', bearer(wrongAudience), 'USER_AUTH.INVALID'],
        ['forged signature', bearer(forged), 'USER_AUTH.INVALID'],
        ['another secret', bearer(otherSecret), 'USER_AUTH.INVALID'],
        ['admin token', admin, 'USER_AUTH.INVALID'],
      ];
      for (const route of routes) {
        for (const [what, headers, code] of cases) {
          const res = await desk.app.inject({ ...route, headers: { ...('headers' in route ? route.headers : {}), ...headers } });
          expect(res.statusCode, `${route.method} ${route.url} with ${what}`).toBe(401);
          expect(res.json()).toMatchObject({ data: null, error: true, detail: { code } });
        }
      }
    });

    it('accepts 60 s of clock skew: a token expired 30 s ago still passes', async () => {
      const token = await hs(USER_A, { expiresIn: Math.floor(Date.now() / 1000) - 30 });
      expect((await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: bearer(token) })).statusCode).toBe(200);
    });

    it('an app token is no admin token', async () => {
      const res = await desk.app.inject({ method: 'POST', url: '/api/admin/fetch/customer/support', payload: {}, headers: await as(USER_A) });
      expect(res.statusCode).toBe(403);
    });

    it('refuses a create whose body uuid is not the token sub (403), accepts its own', async () => {
      const other = await desk.app.inject({
        method: 'POST',
        url: '/api/user/log/message',
        payload: { ...seedCreateBody, uuid: USER_B },
        headers: await as(USER_A),
      });
      expect(other.statusCode).toBe(403);
      expect(other.json().detail.code).toBe('USER_AUTH.UUID_MISMATCH');
      const own = await create(USER_A);
      expect(own.statusCode, own.body).toBe(200);
    });

    it('verifies RS256 and ES256 tokens from the JWKS, and picks up a rotated key by its new kid', async () => {
      for (const kid of ['rsa-1', 'ec-1']) {
        const token = await jwks.sign(kid, { sub: USER_A, iss: ISSUER, aud: AUDIENCE });
        expect((await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: bearer(token) })).statusCode, kid).toBe(200);
      }
      const before = jwks.fetches;
      await jwks.addKey('rsa-2', 'RS256');
      jwks.removeKey('rsa-1');
      const rotated = await jwks.sign('rsa-2', { sub: USER_A, iss: ISSUER, aud: AUDIENCE });
      expect((await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: bearer(rotated) })).statusCode).toBe(200);
      expect(jwks.fetches).toBeGreaterThan(before);
      // An unknown kid is a 401, not a 500.
      await jwks.addKey('gone', 'ES256');
      const orphan = await jwks.sign('gone', { sub: USER_A, iss: ISSUER, aud: AUDIENCE });
      jwks.removeKey('gone');
      expect((await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: bearer(orphan) })).statusCode).toBe(401);
    });
  });

  describe('their tickets', () => {
    let ticketA: { id: string; ticketId: string };

    beforeAll(async () => {
      const res = await create(USER_A);
      expect(res.statusCode, res.body).toBe(200);
      ticketA = res.json().data;
      // Zendesk has it before the conversation starts.
      await vi.waitFor(() => expect(zendesk.ticketsWithExternalId(ticketA.ticketId)).toHaveLength(1), catchUp);
    });

    it("lists the caller's tickets newest first with a cursor, never another user's", async () => {
      await create(USER_B);
      const pages: string[][] = [];
      let cursor: string | null = null;
      await expect
        .poll(
          async () => (await desk.app.inject({ method: 'GET', url: '/api/user/tickets?limit=50', headers: await as(USER_A) })).json().data.items.length,
          catchUp,
        )
        .toBeGreaterThanOrEqual(2);
      do {
        const res = await desk.app.inject({ method: 'GET', url: `/api/user/tickets?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: await as(USER_A) });
        expect(res.statusCode, res.body).toBe(200);
        const { items, nextCursor } = res.json().data as { items: { ticketId: string; status: string; createdAt: number }[]; nextCursor: string | null };
        pages.push(items.map((i) => i.ticketId));
        cursor = nextCursor;
      } while (cursor);
      const all = pages.flat();
      expect(all).toContain(ticketA.ticketId);
      expect(new Set(all).size).toBe(all.length);
      const bList = (await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: await as(USER_B) })).json().data.items as { ticketId: string }[];
      expect(bList.map((i) => i.ticketId)).not.toContain(ticketA.ticketId);
      expect((await desk.app.inject({ method: 'GET', url: '/api/user/tickets?cursor=bogus', headers: await as(USER_A) })).statusCode).toBe(400);
    });

    it("user B probing user A's ticket id, record id and files gets the 404 of a ticket that does not exist", async () => {
      const b = await as(USER_B);
      const unknown = crypto.randomUUID();
      const probe = async (url: (id: string) => string, method: 'GET' | 'POST', extra: object = {}) => {
        const theirs = await desk.app.inject({ method, url: url(ticketA.ticketId), headers: b, ...extra });
        const none = await desk.app.inject({ method, url: url(unknown), headers: b, ...extra });
        expect(theirs.statusCode, url('…')).toBe(404);
        expect(none.statusCode).toBe(404);
        expect(theirs.json().detail).toEqual(none.json().detail);
        return theirs;
      };
      await probe((id) => `/api/user/tickets/${id}`, 'GET');
      await probe((id) => `/api/user/tickets/${id}/comments`, 'POST', { payload: { body: 'not mine' } });
      const upload = multipart({ content: Buffer.from('log line\n'), name: 'a.log', type: 'text/plain' });
      const theirs = await desk.app.inject({
        method: 'POST',
        url: `/api/user/help/file/upload/${ticketA.id}/LOG`,
        headers: { ...b, ...upload.headers },
        payload: upload.payload,
      });
      const none = await desk.app.inject({
        method: 'POST',
        url: `/api/user/help/file/upload/${crypto.randomUUID()}/LOG`,
        headers: { ...b, ...upload.headers },
        payload: upload.payload,
      });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json().detail).toEqual(none.json().detail);
      // A's own upload goes through; the download stays an admin route (the app token is not one).
      const own = await desk.app.inject({
        method: 'POST',
        url: `/api/user/help/file/upload/${ticketA.id}/LOG`,
        headers: { ...(await as(USER_A)), ...upload.headers },
        payload: upload.payload,
      });
      expect(own.statusCode, own.body).toBe(200);
      const download = await desk.app.inject({ method: 'GET', url: `/api/aws/download/support/file/${ticketA.ticketId}/LOG`, headers: b });
      expect(download.statusCode).toBe(403);
    });

    it('conversation both ways: the reply becomes a public comment by the requester; agent comments come back, private ones stay hidden', async () => {
      const a = await as(USER_A);
      const image = await uploadImage(desk.app).catch(() => undefined);
      expect(image).toBeUndefined(); // the image upload needs a token too
      const named = await desk.app.inject({
        method: 'POST',
        url: '/api/common/upload/file?bucketType=LOG_IMAGE',
        headers: { ...a, ...multipart({ content: images.jpeg, name: 'a.jpg', type: 'image/jpeg' }).headers },
        payload: multipart({ content: images.jpeg, name: 'a.jpg', type: 'image/jpeg' }).payload,
      });
      expect(named.statusCode, named.body).toBe(200);
      const reply = await desk.app.inject({
        method: 'POST',
        url: `/api/user/tickets/${ticketA.ticketId}/comments`,
        headers: { ...a, 'idempotency-key': 'reply-1' },
        payload: { body: 'Still crashing after the update', images: [named.json().data] },
      });
      expect(reply.statusCode, reply.body).toBe(200);
      expect(reply.json().data).toMatchObject({ author: 'USER', body: 'Still crashing after the update', delivered: false });
      const again = await desk.app.inject({
        method: 'POST',
        url: `/api/user/tickets/${ticketA.ticketId}/comments`,
        headers: { ...a, 'idempotency-key': 'reply-1' },
        payload: { body: 'Still crashing after the update', images: [named.json().data] },
      });
      expect(again.json().data.id).toBe(reply.json().data.id);

      const zTicket = zendesk.ticketsWithExternalId(ticketA.ticketId)[0]!;
      await expect.poll(() => zTicket.comments.filter((c) => c.html_body === 'Still crashing after the update').length, catchUp).toBe(1);
      const posted = zTicket.comments.find((c) => c.html_body === 'Still crashing after the update')!;
      expect(posted).toMatchObject({ public: true, author_id: zTicket.requester_id });
      expect(posted.uploads).toHaveLength(1);
      const detail = async () => (await desk.app.inject({ method: 'GET', url: `/api/user/tickets/${ticketA.ticketId}`, headers: a })).json().data;
      await expect.poll(async () => (await detail()).conversation[0]?.delivered, catchUp).toBe(true);

      const agentAt = '2026-12-01T10:00:00Z';
      const agent = {
        ticket_id: String(zTicket.id),
        external_id: ticketA.ticketId,
        comment_id: '900001',
        author_role: 'agent',
        public: 'true',
        body: 'Please try version 5.13',
        created_at: agentAt,
      };
      const first = await commentWebhook(agent);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().data).toEqual({ applied: true, ticketId: ticketA.ticketId });
      expect((await commentWebhook(agent)).json().data.applied).toBe(false);
      expect((await commentWebhook({ ...agent, comment_id: '900002', public: false, body: 'internal: known bug JIRA-1' })).json().data.applied).toBe(true);

      // The push hook: one signed notification for the public agent reply, none for the repeat or the private note.
      await vi.waitFor(() => expect(pushes).toHaveLength(1), catchUp);
      const push = pushes[0]!;
      expect(JSON.parse(push.body)).toEqual({
        event: 'ticket.reply',
        ticketId: ticketA.ticketId,
        uuid: USER_A,
        udid: seedCreateBody.udid,
        commentId: '900001',
        createdAt: Date.parse(agentAt),
      });
      expect(push.signature).toBe(signUserNotification('push-secret-0123456789', push.timestamp, push.body));

      const seen = await detail();
      expect(seen.conversation.map((e: { author: string; body: string }) => [e.author, e.body])).toEqual([
        ['USER', 'Still crashing after the update'],
        ['SUPPORT', 'Please try version 5.13'],
      ]);
      expect(seen.lastReplyAt).toBe(Date.parse(agentAt));
      expect(JSON.stringify(seen)).not.toContain('JIRA-1');

      const history = (await desk.app.inject({ method: 'GET', url: `/api/admin/tickets/${ticketA.ticketId}/events`, headers: admin })).json().data as {
        type: string;
        data: { public?: boolean };
      }[];
      expect(history.filter((e) => e.type === 'TicketCommentAdded').map((e) => e.data.public)).toEqual([true, true, false]);
      expect(history.filter((e) => e.type === 'UserReplied')).toHaveLength(1);
    });

    it('the comment webhook: 401 unsigned, tickets not ours and requester comments ignored; a Zendesk outage delays a reply, never loses it', async () => {
      const zTicket = zendesk.ticketsWithExternalId(ticketA.ticketId)[0]!;
      const body = { ticket_id: String(zTicket.id), external_id: ticketA.ticketId, comment_id: '910001', author_role: 'agent', public: true, body: 'x' };
      const unsigned = await desk.app.inject({
        method: 'POST',
        url: '/api/zendesk/webhook/comments',
        payload: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(unsigned.statusCode).toBe(401);
      expect((await commentWebhook({ ...body, ticket_id: '999999', external_id: null })).json().data).toEqual({ applied: false, ticketId: null });
      expect((await commentWebhook({ ...body, author_role: 'end-user' })).json().data.applied).toBe(false);
      expect((await commentWebhook({ ...body, author_role: 'robot' })).statusCode).toBe(400);

      zendesk.inject('update', { kind: 'status', status: 503 }, 2);
      const a = await as(USER_A);
      const res = await desk.app.inject({
        method: 'POST',
        url: `/api/user/tickets/${ticketA.ticketId}/comments`,
        headers: a,
        payload: { body: 'After the outage' },
      });
      expect(res.statusCode).toBe(200);
      await vi.waitFor(() => expect(zTicket.comments.filter((c) => c.html_body === 'After the outage')).toHaveLength(1), catchUp);
      expect(zendesk.requestsTo('update').filter((r) => r.outcome === 503)).toHaveLength(2);
    });

    it('ETag / If-None-Match: 304 while nothing changed, 200 once something did', async () => {
      const a = await as(USER_A);
      for (const url of [`/api/user/tickets/${ticketA.ticketId}`, '/api/user/tickets']) {
        const first = await desk.app.inject({ method: 'GET', url, headers: a });
        const etag = first.headers.etag as string;
        expect(etag).toMatch(/^W\/"/);
        const same = await desk.app.inject({ method: 'GET', url, headers: { ...a, 'if-none-match': etag } });
        expect(same.statusCode, url).toBe(304);
        expect(same.body).toBe('');
      }
      const before = (await desk.app.inject({ method: 'GET', url: `/api/user/tickets/${ticketA.ticketId}`, headers: a })).headers.etag as string;
      const zTicket = zendesk.ticketsWithExternalId(ticketA.ticketId)[0]!;
      await commentWebhook({
        ticket_id: String(zTicket.id),
        external_id: ticketA.ticketId,
        comment_id: '900003',
        author_role: 'admin',
        public: true,
        body: 'Fixed in 5.14',
      });
      const after = await desk.app.inject({ method: 'GET', url: `/api/user/tickets/${ticketA.ticketId}`, headers: { ...a, 'if-none-match': before } });
      expect(after.statusCode).toBe(200);
      expect(after.headers.etag).not.toBe(before);
    });
  });
});

describe('app users with USER_AUTH=off (the default)', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk({ USER_RATE_LIMIT_TICKETS_PER_HOUR: '2' });
  });
  afterAll(async () => desk?.close());

  it('refuses /api/user/tickets with 403 naming USER_AUTH=jwt: a uuid alone proves nothing', async () => {
    for (const [method, url] of [
      ['GET', '/api/user/tickets'],
      ['GET', `/api/user/tickets/${crypto.randomUUID()}`],
      ['POST', `/api/user/tickets/${crypto.randomUUID()}/comments`],
    ] as const) {
      const res = await desk.app.inject({ method, url, ...(method === 'POST' ? { payload: { body: 'hi' } } : {}) });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({ error: true, data: null, detail: { code: 'USER_AUTH.JWT_REQUIRED' } });
      expect(res.json().message).toContain('USER_AUTH=jwt');
    }
  });

  it('limits creates per client address: 429 with Retry-After in the envelope; another address is not held back', async () => {
    const post = (ip: string) => desk.app.inject({ method: 'POST', url: '/api/user/log/message', payload: seedCreateBody, remoteAddress: ip });
    expect((await post('198.51.100.7')).statusCode).toBe(200);
    expect((await post('198.51.100.7')).statusCode).toBe(200);
    const limited = await post('198.51.100.7');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ data: null, error: true, detail: { code: 'RATE_LIMIT.EXCEEDED' } });
    expect(limited.json().message).toMatch(/retry after \d+ s/);
    expect((await post('198.51.100.8')).statusCode).toBe(200);
  });
});

describe('abuse limits with USER_AUTH=jwt', () => {
  let desk: TestDesk;
  const token = (sub: string) => mintUserToken({ secret: SECRET, sub, issuer: ISSUER, audience: AUDIENCE });
  beforeAll(async () => {
    desk = await startTestDesk({
      USER_AUTH: 'jwt',
      USER_JWT_SECRET: SECRET,
      USER_JWT_ISSUER: ISSUER,
      USER_JWT_AUDIENCE: AUDIENCE,
      USER_RATE_LIMIT_TICKETS_PER_HOUR: '1',
      USER_RATE_LIMIT_UPLOADS_PER_HOUR: '1',
      USER_RATE_LIMIT_REPLIES_PER_HOUR: '1',
    });
  });
  afterAll(async () => desk?.close());

  it('counts per user, not per address; refused tokens never count', async () => {
    const create = async (sub: string, auth?: string) =>
      desk.app.inject({
        method: 'POST',
        url: '/api/user/log/message',
        payload: { ...seedCreateBody, uuid: sub },
        headers: { authorization: auth ?? `Bearer ${await token(sub)}` },
      });
    expect((await create(USER_A, 'Bearer not-a-jwt')).statusCode).toBe(401);
    const first = await create(USER_A);
    expect(first.statusCode, first.body).toBe(200);
    const second = await create(USER_A);
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBeDefined();
    expect(second.json().detail.code).toBe('RATE_LIMIT.EXCEEDED');
    expect((await create(USER_B)).statusCode).toBe(200);
  });

  it('limits uploads and replies per user too', async () => {
    const a = { authorization: `Bearer ${await token(USER_A)}` };
    const upload = () => {
      const body = multipart({ content: images.jpeg, name: 'a.jpg', type: 'image/jpeg' });
      return desk.app.inject({
        method: 'POST',
        url: '/api/common/upload/file?bucketType=LOG_IMAGE',
        headers: { ...a, ...body.headers },
        payload: body.payload,
      });
    };
    expect((await upload()).statusCode).toBe(200);
    expect((await upload()).statusCode).toBe(429);
    const list = await desk.app.inject({ method: 'GET', url: '/api/user/tickets', headers: a });
    expect(list.statusCode).toBe(200);
    const ticketId = crypto.randomUUID();
    const reply = () => desk.app.inject({ method: 'POST', url: `/api/user/tickets/${ticketId}/comments`, headers: a, payload: { body: 'hello' } });
    expect((await reply()).statusCode).toBe(404); // counted: the limit is on attempts, found or not
    expect((await reply()).statusCode).toBe(429);
  });
});
