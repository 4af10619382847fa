import { describe, expect, it } from 'vitest';
import { ERASED } from '@support-desk/contracts';
import type { RecordedEvent } from '@support-desk/event-store';
import { CachedDataKeyStore } from './cached-data-key-store';
import type { DataKeyStore } from './data-key-store.port';
import { PersonalDataDecryptError } from './field-cipher';
import { MemoryDataKeyStore } from './memory';
import { MissingDataSubjectError, protectPersonalData, unprotected } from './protect-personal-data';
import { ArrayEventStore, ERASED_TICKET_REQUEST_FIELDS, pd1Event } from './testing';

const requested = (uuid: string, email: string) => ({
  type: 'TicketRequested',
  data: {
    recordId: `r-${uuid}`,
    ticketId: `t-${uuid}`,
    uuid,
    udid: `udid-${uuid}`,
    subject: 'Crash on start',
    message: `My phone crashes, write to ${email}`,
    email,
    name: null,
    category: 'BUG',
    phone: '+49 170 1234567',
    images: ['selfie-of-alice.jpeg'],
    requestedAt: 1,
  },
});
const comment = (body: string) => ({
  type: 'TicketCommentAdded',
  data: { recordId: 'r', ticketId: 't', zendeskTicketId: 'z1', commentId: 'c1', authorRole: 'AGENT', public: true, body, createdAt: 2, replyId: null },
});

function setup() {
  const raw = new ArrayEventStore();
  const keys = new MemoryDataKeyStore();
  return { raw, keys, store: protectPersonalData(raw, keys) };
}

const subscribed = async (store: ReturnType<typeof protectPersonalData>) => {
  const seen: RecordedEvent[] = [];
  await store.subscribeToAll({}, async (e) => void seen.push(e)).stop();
  return seen;
};

describe('protectPersonalData', () => {
  it('stores personal fields encrypted, with the key id in the metadata, and reads them back clear', async () => {
    const { raw, store } = setup();
    await store.append('support-ticket-a', [requested('alice', 'alice@example.com')], { expectedRevision: 'no_stream' });
    const stored = raw.events[0]!;
    expect(JSON.stringify(stored)).not.toMatch(/alice@example|crashes|1234567|selfie|udid-alice|Crash on start/);
    expect(stored.data).toMatchObject({ uuid: 'alice', recordId: 'r-alice', ticketId: 't-alice', category: 'BUG', name: null, requestedAt: 1 });
    expect(stored.metadata).toMatchObject({ dataSubject: 'alice', dataKeyId: expect.any(String) });
    const [read] = await store.readStream('support-ticket-a');
    expect(read!.data).toEqual(requested('alice', 'alice@example.com').data);
    expect((await subscribed(store))[0]!.data).toEqual(requested('alice', 'alice@example.com').data);
  });

  it('encrypts an event without uuid (a comment) for the subject of its stream', async () => {
    const { raw, store } = setup();
    await store.append('support-ticket-a', [requested('alice', 'alice@example.com')], { expectedRevision: 'no_stream' });
    // A fresh decorator (another process): it finds the subject in the stream.
    const other = protectPersonalData(raw, new CachedDataKeyStore(setupKeysOf(store)));
    await other.append('support-ticket-a', [comment('Hello Alice Example')], { expectedRevision: 0 });
    expect(raw.events[1]!.data.body).not.toContain('Alice');
    expect(raw.events[1]!.metadata).toMatchObject({ dataSubject: 'alice', dataKeyId: raw.events[0]!.metadata.dataKeyId });
    expect((await store.readStream('support-ticket-a'))[1]!.data.body).toBe('Hello Alice Example');
  });

  it('takes the subject from metadata.dataSubject when the command layer gives it', async () => {
    const { raw, store } = setup();
    await store.append('s', [{ ...comment('hi'), metadata: { dataSubject: 'bob' } }], { expectedRevision: 'no_stream' });
    expect(raw.events[0]!.metadata.dataSubject).toBe('bob');
  });

  it('refuses a personal event whose subject it cannot find, rather than storing it clear', async () => {
    const { raw, store } = setup();
    await expect(store.append('s', [comment('hi')], { expectedRevision: 'no_stream' })).rejects.toThrow(MissingDataSubjectError);
    expect(raw.events).toHaveLength(0);
  });

  it('gives placeholders once the subject is erased, never an error, and leaves other subjects readable', async () => {
    const { keys, store } = setup();
    await store.append('support-ticket-a', [requested('alice', 'alice@example.com'), comment('for alice')], { expectedRevision: 'no_stream' });
    await store.append('support-ticket-b', [requested('bob', 'bob@example.com')], { expectedRevision: 'no_stream' });
    await keys.eraseSubject('alice');
    const [req, com] = await store.readStream('support-ticket-a');
    expect(req!.data).toEqual({
      ...requested('alice', 'x').data,
      ...ERASED_TICKET_REQUEST_FIELDS,
    });
    expect(com!.data.body).toBe(ERASED);
    expect((await store.readStream('support-ticket-b'))[0]!.data.email).toBe('bob@example.com');
    const all = await subscribed(store);
    expect(all.map((e) => e.data.email ?? e.data.body)).toEqual([ERASED, ERASED, 'bob@example.com']);
  });

  it('reads back what it sealed itself without opening the seal again, while the key exists, each reader with a copy of its own', async () => {
    const raw = new ArrayEventStore();
    const keys = new MemoryDataKeyStore();
    // Hands out each key with the wrong bytes: any seal opened with it fails, so a read that works did not open one.
    const wrongBytes: DataKeyStore = {
      keyFor: (subject) => keys.keyFor(subject),
      get: async (keyId) => {
        const key = await keys.get(keyId);
        return key && { keyId: key.keyId, key: Buffer.alloc(32, 7) };
      },
      eraseSubject: (subject) => keys.eraseSubject(subject),
      close: () => keys.close(),
    };
    const store = protectPersonalData(raw, wrongBytes);
    await store.append('support-ticket-a', [requested('alice', 'alice@example.com')], { expectedRevision: 'no_stream' });

    const [first] = await store.readStream('support-ticket-a');
    expect(first!.data).toEqual(requested('alice', 'alice@example.com').data);
    (first!.data.images as string[]).push('changed-by-a-reader.png');
    expect((await subscribed(store))[0]!.data.images).toEqual(['selfie-of-alice.jpeg']);
    // Another process (no seals of its own) has to open it, and with those bytes it cannot.
    await expect(protectPersonalData(raw, wrongBytes).readStream('support-ticket-a')).rejects.toThrow(PersonalDataDecryptError);

    await keys.eraseSubject('alice');
    expect((await store.readStream('support-ticket-a'))[0]!.data).toEqual({ ...requested('alice', 'x').data, ...ERASED_TICKET_REQUEST_FIELDS });
  });

  it('reads events written before encryption (no key id) as they are', async () => {
    const { raw, store } = setup();
    await raw.append('support-ticket-old', [requested('carol', 'carol@example.com')], { expectedRevision: 'no_stream' });
    expect((await store.readStream('support-ticket-old'))[0]!.data.email).toBe('carol@example.com');
  });

  it('passes events without personal fields untouched', async () => {
    const { raw, store } = setup();
    const synced = { type: 'TicketSynced', data: { recordId: 'r', ticketId: 't', zendeskTicketId: 'z', syncedAt: 1 } };
    await store.append('s', [synced], { expectedRevision: 'no_stream' });
    expect(raw.events[0]!.data).toEqual(synced.data);
    expect(raw.events[0]!.metadata).toEqual({});
  });

  // pd1 (a value per field) is no longer written but stays readable; pd2's tampering: protect-personal-data.formats.unit.spec.ts.
  it('reports a tampered pd1 field as an error naming the event, not as erased', async () => {
    const { raw, keys, store } = setup();
    await raw.append('support-ticket-a', [pd1Event(requested('alice', 'alice@example.com'), await keys.keyFor('alice'), 'alice')], {
      expectedRevision: 'no_stream',
    });
    expect((await store.readStream('support-ticket-a'))[0]!.data.email).toBe('alice@example.com');
    const email = raw.events[0]!.data.email as string;
    raw.events[0]!.data.email = email.slice(0, -2) + (email.endsWith('A') ? 'BB' : 'AA');
    await expect(store.readStream('support-ticket-a')).rejects.toThrow(PersonalDataDecryptError);
    await expect(store.readStream('support-ticket-a')).rejects.toThrow(/\(support-ticket-a revision 0\): TicketRequested.email: does not open/);
  });

  it('reports a pd1 ciphertext moved into another event as an error', async () => {
    const { raw, keys, store } = setup();
    await raw.append('support-ticket-a', [pd1Event(requested('alice', 'alice@example.com'), await keys.keyFor('alice'), 'alice')], {
      expectedRevision: 'no_stream',
    });
    await raw.append('support-ticket-b', [pd1Event(requested('bob', 'bob@example.com'), await keys.keyFor('bob'), 'bob')], { expectedRevision: 'no_stream' });
    raw.events[1]!.data.email = raw.events[0]!.data.email;
    await expect(store.readStream('support-ticket-b')).rejects.toThrow(PersonalDataDecryptError);
  });

  it('exposes the store underneath for tools that read its tables', () => {
    const { raw, store } = setup();
    expect(unprotected(store)).toBe(raw);
    expect(unprotected(raw)).toBe(raw);
  });
});

describe('CachedDataKeyStore', () => {
  it('serves keys from memory until the TTL, and forgets an erased subject at once', async () => {
    let now = 0;
    let gets = 0;
    const backing = new MemoryDataKeyStore();
    const counting = Object.assign(Object.create(backing) as MemoryDataKeyStore, {
      get: (id: string) => (gets++, backing.get(id)),
    });
    const cached = new CachedDataKeyStore(counting, { ttlMs: 1000, now: () => now });
    const key = await backing.keyFor('alice');
    await cached.get(key.keyId);
    await cached.get(key.keyId);
    expect(gets).toBe(1);
    now = 1001;
    await cached.get(key.keyId);
    expect(gets).toBe(2);
    await cached.eraseSubject('alice');
    expect(await cached.get(key.keyId)).toBeNull();
  });

  it('bounds its size: the oldest entries go first', async () => {
    const backing = new MemoryDataKeyStore();
    let gets = 0;
    const counting = Object.assign(Object.create(backing) as MemoryDataKeyStore, { get: (id: string) => (gets++, backing.get(id)) });
    const cached = new CachedDataKeyStore(counting, { maxEntries: 2 });
    const ids = [];
    for (const s of ['a', 'b', 'c']) ids.push((await backing.keyFor(s)).keyId);
    for (const id of ids) await cached.get(id);
    gets = 0;
    await cached.get(ids[2]!);
    await cached.get(ids[1]!);
    expect(gets).toBe(0);
    await cached.get(ids[0]!);
    expect(gets).toBe(1);
  });

  it("keeps each key in memory of its own, not in a slice of Node's shared Buffer pool (which it would keep alive)", async () => {
    const backing = new MemoryDataKeyStore();
    const pooled = (key: { keyId: string; key: Buffer }) => ({ keyId: key.keyId, key: Buffer.from(key.key.toString('base64'), 'base64') });
    const slicing = Object.assign(Object.create(backing) as MemoryDataKeyStore, {
      get: async (id: string) => {
        const key = await backing.get(id);
        return key && pooled(key);
      },
      keyFor: async (subject: string) => pooled(await backing.keyFor(subject)),
    });
    const cached = new CachedDataKeyStore(slicing);
    const bySubject = await cached.keyFor('alice');
    const byId = (await cached.get(bySubject.keyId))!;
    expect((await slicing.get(bySubject.keyId))!.key.buffer.byteLength).toBeGreaterThan(32); // what the store gives: a pool slice
    for (const { key } of [bySubject, byId]) expect(key.buffer.byteLength).toBe(32);
    expect(byId.key.equals((await backing.get(bySubject.keyId))!.key)).toBe(true);
  });

  it('lets another process erase: its cached key expires within the TTL', async () => {
    let now = 0;
    const backing = new MemoryDataKeyStore();
    const reader = new CachedDataKeyStore(backing, { ttlMs: 1000, now: () => now });
    const key = await backing.keyFor('alice');
    expect(await reader.get(key.keyId)).not.toBeNull();
    await backing.eraseSubject('alice'); // the erasing process, not through this cache
    expect(await reader.get(key.keyId)).not.toBeNull();
    now = 1001;
    expect(await reader.get(key.keyId)).toBeNull();
  });
});

/** The key store a decorator was built with: tests share it between "processes". */
function setupKeysOf(store: ReturnType<typeof protectPersonalData>) {
  return (store as unknown as { keys: MemoryDataKeyStore }).keys;
}
