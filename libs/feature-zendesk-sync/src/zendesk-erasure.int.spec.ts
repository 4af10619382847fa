import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeZendesk } from './testing';
import { RateLimiter } from './rate-limiter';
import { ZendeskClient } from './zendesk-client';
import { eraseZendeskRequester } from './zendesk-erasure';
import { ZendeskHttp } from './zendesk-http';
import type { ZendeskSettings } from './zendesk-settings';

const retry = { maxAttempts: 4, baseMs: 5, maxMs: 20 };

describe('eraseZendeskRequester against the fake Zendesk', () => {
  let fake: FakeZendesk;
  let http: ZendeskHttp;
  let client: ZendeskClient;

  beforeEach(async () => {
    fake = await FakeZendesk.start();
    const settings: ZendeskSettings = {
      baseUrl: fake.url,
      auth: { kind: 'bearer', token: 'test-token' },
      requestsPerMinute: 600,
      maxAttempts: 3,
      timeoutMs: 2_000,
      retryBaseMs: 5,
      retryMaxMs: 20,
    };
    http = new ZendeskHttp(settings, new RateLimiter(settings.requestsPerMinute));
    client = new ZendeskClient(http);
  });
  afterEach(async () => {
    await fake.close();
  });

  /** A user's personal strings, each unique to this test run. */
  const person = (tag: string) => ({
    email: `${tag}-ada@example.org`,
    name: `Ada ${tag} Lovelace`,
    phone: `+33 6 ${tag.length}1 23 45 67`,
    uuid: `${tag}-0000-4000-8000-000000000001`,
    message: `my-${tag}-secret-message`,
    photo: `face-of-${tag}.jpg`,
  });
  type Person = ReturnType<typeof person>;

  /** A ticket as zendesk-sync creates it, with a private comment holding a photo. */
  async function ticketOf(p: Person, n: number): Promise<string> {
    const created = await client.createTicket(
      {
        subject: `${p.message} subject ${n}`,
        comment: { html_body: `<p>${p.message}</p><ul><li>Phone: ${p.phone}</li><li>User UUID: ${p.uuid}</li></ul>` },
        requester: { name: p.name, email: p.email },
        external_id: `ticket-${p.uuid}-${n}`,
        tags: ['crash'],
      },
      `key-${p.uuid}-${n}`,
    );
    const bytes = Buffer.from(`jpeg bytes of ${p.name}`);
    const token = await client.upload({ fileName: p.photo, contentType: 'image/jpeg', size: bytes.length, body: Readable.from([bytes]) });
    await client.addPrivateComment(created.id, `<p>Feedback photo: ${p.photo}</p>`, [token]);
    return created.id;
  }

  const traces = (p: Person) => [p.email, p.name, p.phone, p.uuid, p.message, p.photo];

  it('deletes the tickets and the requester for good; nothing of them is left, others untouched', async () => {
    const ada = person('erase1');
    const bob = person('keep1');
    const ids = [await ticketOf(ada, 1), await ticketOf(ada, 2)];
    const bobs = await ticketOf(bob, 1);
    const adaUser = fake.tickets.get(Number(ids[0]))!.requester_id;
    for (const t of traces(ada)) expect(fake.dumpText()).toContain(t);

    const result = await eraseZendeskRequester(http, ids, { retry });

    expect(result).toEqual({ ticketsDeleted: ids, ticketsAlreadyGone: [], usersDeleted: [String(adaUser)], usersRefused: [] });
    const dump = fake.dumpText();
    for (const t of traces(ada)) expect(dump, t).not.toContain(t);
    for (const t of traces(bob)) expect(dump, t).toContain(t);
    expect(fake.dump().permanentlyDeletedUsers).toEqual([{ id: adaUser, name: 'Permanently Deleted User' }]);
    expect(fake.tickets.has(Number(bobs))).toBe(true);
  });

  it('is idempotent: a second run finds everything gone and changes nothing', async () => {
    const ada = person('erase2');
    const ids = [await ticketOf(ada, 1)];
    await eraseZendeskRequester(http, ids, { retry });
    const before = fake.dumpText();
    expect(await eraseZendeskRequester(http, ids, { retry })).toEqual({ ticketsDeleted: [], ticketsAlreadyGone: ids, usersDeleted: [], usersRefused: [] });
    expect(fake.dumpText()).toBe(before);
  });

  it('resumes a run that crashed after deleting the tickets: restores one to learn its requester, then finishes', async () => {
    const ada = person('erase3');
    const ids = [await ticketOf(ada, 1), await ticketOf(ada, 2)];
    const adaUser = fake.tickets.get(Number(ids[0]))!.requester_id;
    // What the crashed run did: the tickets soft-deleted, nothing more.
    for (const id of ids) await http.send({ method: 'DELETE', path: `/api/v2/tickets/${id}` });
    expect(fake.users.has(adaUser)).toBe(true);

    const result = await eraseZendeskRequester(http, ids, { retry });

    expect(result.usersDeleted).toEqual([String(adaUser)]);
    expect(result.ticketsDeleted).toEqual(ids);
    expect(fake.requestsTo('restore-ticket').length).toBeGreaterThan(0);
    for (const t of traces(ada)) expect(fake.dumpText(), t).not.toContain(t);
  });

  it('resumes a run that crashed between deleting the user and deleting them permanently', async () => {
    const ada = person('erase4');
    const ids = [await ticketOf(ada, 1)];
    const adaUser = fake.tickets.get(Number(ids[0]))!.requester_id;
    for (const id of ids) await http.send({ method: 'DELETE', path: `/api/v2/tickets/${id}` });
    await http.send({ method: 'DELETE', path: `/api/v2/users/${adaUser}` });
    expect(fake.deletedUsers.has(adaUser)).toBe(true);

    expect((await eraseZendeskRequester(http, ids, { retry })).usersDeleted).toEqual([String(adaUser)]);
    expect(fake.deletedUsers.size).toBe(0);
    for (const t of traces(ada)) expect(fake.dumpText(), t).not.toContain(t);
  });

  it('reports a requester Zendesk will not delete (another ticket of theirs is not closed), and deletes them once it is closed', async () => {
    const ada = person('erase5');
    const ids = [await ticketOf(ada, 1)];
    // A ticket for the same address we were not asked to erase (e.g. an agent's): the same Zendesk user.
    const other = await ticketOf({ ...ada, uuid: 'someone-else', message: 'unrelated' }, 9);
    const adaUser = fake.tickets.get(Number(ids[0]))!.requester_id;
    expect(fake.tickets.get(Number(other))!.requester_id).toBe(adaUser);

    const refused = await eraseZendeskRequester(http, ids, { retry });
    expect(refused.ticketsDeleted).toEqual(ids);
    expect(refused.usersDeleted).toEqual([]);
    expect(refused.usersRefused).toEqual([{ userId: String(adaUser), reason: expect.stringMatching(/422/) }]);
    expect(fake.users.has(adaUser)).toBe(true);

    await http.send({ method: 'PUT', path: `/api/v2/tickets/${other}`, json: { ticket: { status: 'closed' } } });
    // The erased tickets are gone for good by now: the requester comes from the first run's result.
    const again = await eraseZendeskRequester(http, ids, { retry, requesterIds: refused.usersRefused.map((r) => r.userId) });
    expect(again.usersDeleted).toEqual([String(adaUser)]);
    expect(fake.users.has(adaUser)).toBe(false);
    expect(fake.tickets.has(Number(other))).toBe(true); // not ours to delete
  });

  it('waits out a 429 with Retry-After in the middle of an erasure, then finishes', async () => {
    const ada = person('erase6');
    const ids = [await ticketOf(ada, 1), await ticketOf(ada, 2)];
    fake.inject('delete-user', { kind: 'status', status: 429, retryAfter: '1' });
    fake.inject('delete-ticket-permanently', { kind: 'status', status: 503 });

    const result = await eraseZendeskRequester(http, ids, { retry });

    expect(result.ticketsDeleted).toEqual(ids);
    expect(result.usersDeleted).toHaveLength(1);
    const userCalls = fake.requestsTo('delete-user');
    expect(userCalls.map((r) => r.outcome)).toEqual([429, 200]);
    // Retry-After: 1 → nobody calls Zendesk for a second.
    expect(userCalls[1]!.at - userCalls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(fake.requestsTo('delete-ticket-permanently').map((r) => r.outcome)).toEqual([503, 200, 200]);
    for (const t of traces(ada)) expect(fake.dumpText(), t).not.toContain(t);
  });

  it('refuses ids that are not Zendesk ticket ids before calling Zendesk', async () => {
    await expect(eraseZendeskRequester(http, ['12', '../users/1'], { retry })).rejects.toThrow(/Not a Zendesk ticket id/);
    expect(fake.requests).toEqual([]);
  });
});
