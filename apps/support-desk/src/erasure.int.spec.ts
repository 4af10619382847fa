import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rebuildReadModel } from '@support-desk/feature-query';
import { FakeZendesk } from '@support-desk/feature-zendesk-sync/testing';
import { ADMIN_TOKEN, admin, startTestDesk, type TestDesk } from './testing/test-desk';
import { createUserData, filesUnder, fixtureUser, rawHits, type FixtureUser } from './testing/erasure-fixtures';
import { unzipEntries } from './testing/unzip';

/**
 * Issue 15 end to end in one process (embedded adapters, our fake Zendesk): a
 * user with tickets, images, a log and synced Zendesk tickets is exported, then
 * erased, beside another user who must keep everything.
 */
describe('erasure and export in the all-in-one app', () => {
  let zendesk: FakeZendesk;
  let desk: TestDesk;
  const alice = fixtureUser('a1b2c');
  const bob = fixtureUser('b3d4e');
  let aliceData: Awaited<ReturnType<typeof createUserData>>;
  let bobData: Awaited<ReturnType<typeof createUserData>>;

  const search = async (body: Record<string, string>) => {
    const res = await desk.app.inject({ method: 'POST', url: '/api/admin/fetch/customer/support', payload: body, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as { ticketId: string; ticketInfo: { supportTicketId: string | null }; sync: { status: string } }[];
  };
  const history = async (ticketId: string) =>
    ((await desk.app.inject({ method: 'GET', url: `/api/admin/tickets/${ticketId}/events`, headers: admin })).json().data as { type: string }[]).map(
      (e) => e.type,
    );
  /** Every personal value of a fixture user, and its free-text words alone (an FTS index keeps words). */
  const personal = (u: FixtureUser) => [u.email, u.phone, u.phone.replace(/\D/g, ''), u.message, u.subject, u.udid, u.name, word(u.message), word(u.subject)];
  const word = (text: string) => text.split(' ')[1]!;
  const erase = (uuid: string, reason = 'Art. 17 request received 2026-12-01') =>
    desk.app.inject({ method: 'POST', url: `/api/admin/users/${uuid}/erase`, payload: { reason }, headers: admin });
  const status = (uuid: string) => desk.app.inject({ method: 'GET', url: `/api/admin/users/${uuid}/erasure`, headers: admin });

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
    desk = await startTestDesk({
      ZENDESK_URL: zendesk.url,
      ZENDESK_OAUTH_TOKEN: 'oauth-test-token',
      ZENDESK_WEBHOOK_SECRET: 'webhook-secret',
      ZENDESK_MAX_ATTEMPTS: '3',
      ZENDESK_RETRY_BASE_MS: '5',
      ZENDESK_RETRY_MAX_MS: '20',
      ZENDESK_TIMEOUT_MS: '2000',
      ZENDESK_REQUESTS_PER_MINUTE: '60000',
    });
    aliceData = await createUserData(desk.app, alice);
    bobData = await createUserData(desk.app, bob);
    // Everything synced to Zendesk (tickets and the log) before the erasure: the hardest case.
    for (const ticketId of [...aliceData.tickets, ...bobData.tickets]) {
      await vi.waitFor(async () => expect((await search({ ticketId }))[0]?.sync.status).toBe('SYNCED'), { timeout: 15_000, interval: 50 });
    }
    await vi.waitFor(async () => expect(await history(aliceData.tickets[0]!)).toContain('SupportFileSynced'), { timeout: 15_000, interval: 50 });
    await vi.waitFor(async () => expect(await history(bobData.tickets[0]!)).toContain('SupportFileSynced'), { timeout: 15_000, interval: 50 });
  }, 60_000);
  afterAll(async () => {
    await desk?.close();
    await zendesk?.close();
  });

  it('refuses without admin credentials, and a reason is required (length-limited)', async () => {
    expect((await desk.app.inject({ method: 'POST', url: `/api/admin/users/${alice.uuid}/erase`, payload: { reason: 'x' } })).statusCode).toBe(401);
    expect((await desk.app.inject({ method: 'GET', url: `/api/admin/users/${alice.uuid}/export` })).statusCode).toBe(401);
    expect((await erase(alice.uuid, '')).statusCode).toBe(400);
    expect((await erase(alice.uuid, 'x'.repeat(501))).statusCode).toBe(400);
    expect((await desk.app.inject({ method: 'POST', url: `/api/admin/users/${alice.uuid}/erase`, payload: {}, headers: admin })).statusCode).toBe(400);
    expect((await status(alice.uuid)).statusCode).toBe(404);
    const unknown = await erase('no-such-user');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail.code).toBe('USER.NOT_FOUND');
  });

  it('exports everything the user created: tickets, events decrypted, conversation, files; the zip holds the files byte for byte', async () => {
    const res = await desk.app.inject({ method: 'GET', url: `/api/admin/users/${alice.uuid}/export`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data as {
      uuid: string;
      tickets: {
        ticketId: string;
        zendeskTicketIds: string[];
        events: { type: string; data: Record<string, unknown> }[];
        conversation: { body: string }[];
        files: { kind: string; fileName: string; zipPath: string | null; blobKey: string }[];
      }[];
    };
    expect(data.uuid).toBe(alice.uuid);
    expect(data.tickets.map((t) => t.ticketId).sort()).toEqual([...aliceData.tickets].sort());
    const first = data.tickets.find((t) => t.ticketId === aliceData.tickets[0])!;
    expect(first.events[0]).toMatchObject({
      type: 'TicketRequested',
      data: { email: alice.email, phone: alice.phone, message: alice.message, udid: alice.udid },
    });
    expect(first.events.map((e) => e.type)).toEqual(expect.arrayContaining(['SupportFileUploaded', 'TicketSynced']));
    expect(first.conversation[0]!.body).toBe(alice.message);
    expect(first.zendeskTicketIds).toHaveLength(1);
    expect(first.files.map((f) => f.kind).sort()).toEqual(['IMAGE', 'IMAGE', 'LOG']);
    expect(JSON.stringify(data)).not.toContain(bob.email);

    const zip = await desk.app.inject({ method: 'GET', url: `/api/admin/users/${alice.uuid}/export?format=zip`, headers: admin });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const entries = await unzipEntries(zip.rawPayload);
    expect(JSON.parse(entries.get('export.json')!.toString()).tickets).toHaveLength(2);
    for (const [name, bytes] of aliceData.files) {
      const file = first.files.find((f) => f.fileName === name)!;
      expect(entries.get(file.zipPath!)!.equals(bytes), name).toBe(true);
    }
    const log = first.files.find((f) => f.kind === 'LOG')!;
    expect(entries.get(log.zipPath!)!.equals(aliceData.log)).toBe(true);
    expect(entries.size).toBe(1 + 3);
  });

  it('erases the user everywhere; a second POST answers the same erasure; the other user keeps everything', async () => {
    const before = zendesk.dumpText();
    for (const value of [alice.email, alice.message]) expect(before, value).toContain(value); // the check below can fail

    const first = await erase(alice.uuid);
    expect(first.statusCode, first.body).toBe(202);
    const requested = first.json().data as { erasureId: string; requestedBy: string; tickets: number; files: number; zendeskTickets: number };
    expect(requested).toMatchObject({ tickets: 2, files: 3, zendeskTickets: 2 });
    expect(requested.requestedBy).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(JSON.stringify(first.json())).not.toContain(ADMIN_TOKEN);

    const again = await erase(alice.uuid, 'a second click');
    expect(again.statusCode).toBe(200);
    expect(again.json().data.erasureId).toBe(requested.erasureId);

    const done = await vi.waitFor(
      async () => {
        const res = await status(alice.uuid);
        expect(res.statusCode).toBe(200);
        expect(res.json().data.status).toBe('ERASED');
        return res.json().data as { steps: { step: string; status: string; completedAt: number | null }[]; erasedAt: number; reason: string };
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(done.steps.map((s) => [s.step, s.status])).toEqual([
      ['read-model', 'DONE'],
      ['blobs', 'DONE'],
      ['zendesk', 'DONE'],
    ]);
    for (const step of done.steps) expect(step.completedAt).toBeLessThanOrEqual(done.erasedAt);
    expect(done.reason).toBe('Art. 17 request received 2026-12-01');
    // Still idempotent once done.
    expect((await erase(alice.uuid)).json().data.erasureId).toBe(requested.erasureId);

    // Search finds nothing of them, by any key or word.
    for (const query of [{ uuid: alice.uuid }, { email: alice.email }, { phone: alice.phone }, { udid: alice.udid }, { q: word(alice.message) }] as Record<
      string,
      string
    >[])
      expect(await search(query), JSON.stringify(query)).toEqual([]);
    // The export has nothing left to give.
    expect((await desk.app.inject({ method: 'GET', url: `/api/admin/users/${alice.uuid}/export`, headers: admin })).statusCode).toBe(404);
    // Their files are gone from the blob store.
    for (const name of aliceData.files.keys())
      expect((await desk.app.inject({ method: 'GET', url: `/api/admin/images/${name}`, headers: admin })).statusCode).toBe(404);
    expect((await desk.app.inject({ method: 'GET', url: `/api/aws/download/support/file/${aliceData.tickets[0]}/LOG`, headers: admin })).statusCode).toBe(404);

    // The other user: untouched.
    const [bobTicket] = await search({ email: bob.email, ticketId: bobData.tickets[0]! });
    expect(bobTicket).toMatchObject({ ticketId: bobData.tickets[0], sync: { status: 'SYNCED' } });
    for (const name of bobData.files.keys()) {
      const res = await desk.app.inject({ method: 'GET', url: `/api/admin/images/${name}`, headers: admin });
      expect(res.rawPayload.equals(bobData.files.get(name)!)).toBe(true);
    }
    expect(zendesk.dumpText()).toContain(bob.email);
    expect(zendesk.dumpText()).toContain(bob.message);
  });

  it('leaves no byte of their email, phone or message in the event store, read model or blob files, nor in Zendesk', async () => {
    expect(rawHits(desk.dataDir, personal(alice))).toEqual([]);
    const dump = zendesk.dumpText();
    for (const value of personal(alice)) expect(dump, value).not.toContain(value);
    // The files checked are the stores themselves (the check can see what is there).
    const names = filesUnder(desk.dataDir).map((f) => f.path);
    expect(names).toEqual(expect.arrayContaining([join(desk.dataDir, 'events.db'), join(desk.dataDir, 'read-model.db')]));
    expect(rawHits(desk.dataDir, [bob.email])).not.toEqual([]);
  });

  it('a read-model rebuild from the store still shows nothing of them, and all of the other user', async () => {
    const result = await rebuildReadModel({ eventStore: desk.adapters.eventStore, readModel: desk.adapters.readModel });
    expect(result.phase).toBe('done');
    for (const query of [{ uuid: alice.uuid }, { email: alice.email }, { phone: alice.phone }, { q: word(alice.message) }] as Record<string, string>[])
      expect(await search(query), JSON.stringify(query)).toEqual([]);
    expect((await search({ email: bob.email })).map((r) => r.ticketId).sort()).toEqual([...bobData.tickets].sort());
    // Alice's tickets are still there, anonymised: ids and dates, no person.
    const [shown] = await search({ ticketId: aliceData.tickets[0]! });
    expect(shown).toBeDefined();
    expect(JSON.stringify(shown)).not.toContain(alice.email);
    expect(rawHits(desk.dataDir, personal(alice))).toEqual([]);
  });
});
