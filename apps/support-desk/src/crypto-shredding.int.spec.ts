import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ERASED, ticketStreamId } from '@support-desk/contracts';
import { openAdapters } from '@support-desk/composition-root';
import { rebuildReadModel } from '@support-desk/feature-query';
import { admin, catchUp, createTicket, multipart, seedCreateBody, startTestDesk, type TestDesk } from './testing/test-desk';

/**
 * Crypto-shredding end to end on the embedded adapters (issue 15): personal
 * fields never reach the event store file in clear, erasing the subject's key
 * makes every one of them read as ERASED while other users' events still
 * decrypt, and a read-model rebuild from the store shows nothing of the erased user.
 */
describe('crypto-shredding in the all-in-one app (SQLite event store and key store)', () => {
  let desk: TestDesk;
  const tag = randomBytes(4).toString('hex');
  const person = (who: string) => ({
    ...seedCreateBody,
    uuid: `${who}-uuid-${tag}`,
    udid: `${who}-DEVICE-${tag}`,
    subject: `${who} subject ${tag}`,
    message: `${who} message about my phone ${tag}`,
    email: `${who}.${tag}@example.com`,
    name: `${who} Fullname${tag}`,
    phone: `+4917${tag.replace(/\D/g, '7').padEnd(8, '7').slice(0, 8)}${who === 'alice' ? '1' : '2'}`,
  });
  const alice = person('alice');
  const bob = person('bob');
  const aliceFile = `alice-log-${tag}.txt`;
  const alicePersonal = [alice.email, alice.phone, alice.message, alice.name, alice.udid, alice.subject, aliceFile];
  let aliceTicket: { id: string; ticketId: string };
  let bobTicket: { id: string; ticketId: string };

  const search = async (body: object) => {
    const res = await desk.app.inject({ method: 'POST', url: '/api/admin/fetch/customer/support?pageSize=100', payload: body, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Array<Record<string, unknown> & { id: string }>;
  };
  /** The raw bytes of a SQLite file and its WAL, as a disk image would show them. */
  const rawFile = (name: string) =>
    [name, `${name}-wal`]
      .map((f) => join(desk.dataDir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');

  beforeAll(async () => {
    desk = await startTestDesk();
    aliceTicket = (await createTicket(desk.app, alice)).json().data;
    bobTicket = (await createTicket(desk.app, bob)).json().data;
    const upload = await desk.app.inject({
      method: 'POST',
      url: `/api/user/help/file/upload/${aliceTicket.id}/LOG`,
      ...multipart({ content: Buffer.from('device log line\n'), name: aliceFile, type: 'text/plain' }),
    });
    expect(upload.statusCode, upload.body).toBe(200);
    await vi.waitFor(async () => expect(await search({ uuid: alice.uuid })).toHaveLength(1), catchUp);
    await vi.waitFor(async () => expect(await search({ uuid: bob.uuid })).toHaveLength(1), catchUp);
  });
  afterAll(() => desk.close());

  it('stores personal fields encrypted: the event store file never holds them in clear, yet the store reads them back', async () => {
    const events = rawFile('events.db');
    expect(events).toContain(aliceTicket.ticketId); // the ids we issue stay clear
    expect(events).toContain(alice.uuid); // the subject stays clear: it indexes the key
    for (const value of [...alicePersonal, bob.email, bob.phone, bob.message]) expect(events, value).not.toContain(value);
    const [requested, uploaded] = await desk.adapters.eventStore.readStream(ticketStreamId(aliceTicket.id));
    expect(requested!.data).toMatchObject({ email: alice.email, phone: alice.phone, message: alice.message, name: alice.name });
    expect(requested!.metadata).toMatchObject({ dataSubject: alice.uuid, dataKeyId: expect.any(String) });
    expect(uploaded!.data.fileName).toBe(aliceFile);
    expect(uploaded!.metadata).toMatchObject({ dataSubject: alice.uuid, dataKeyId: requested!.metadata.dataKeyId });
  });

  it('after eraseSubject: no byte of the key is left, every personal field reads ERASED, other users still decrypt, a rebuild shows nothing of the erased user', async () => {
    const [before] = await desk.adapters.eventStore.readStream(ticketStreamId(aliceTicket.id));
    const keyId = before!.metadata.dataKeyId as string;
    const keyBytes = (await desk.adapters.dataKeys.get(keyId))!.key.toString('base64url');
    expect(rawFile('keys.db')).toContain(keyId);

    await desk.adapters.dataKeys.eraseSubject(alice.uuid);

    const keys = rawFile('keys.db');
    expect(keys).not.toContain(keyId);
    expect(keys).not.toContain(keyBytes);
    const events = rawFile('events.db');
    for (const value of alicePersonal) expect(events, value).not.toContain(value);

    const [requested, uploaded] = await desk.adapters.eventStore.readStream(ticketStreamId(aliceTicket.id));
    expect(requested!.data).toMatchObject({
      recordId: aliceTicket.id,
      ticketId: aliceTicket.ticketId,
      uuid: alice.uuid,
      email: ERASED,
      phone: ERASED,
      message: ERASED,
      name: ERASED,
      udid: ERASED,
      subject: ERASED,
      images: [],
    });
    expect(uploaded!.data).toMatchObject({ fileName: ERASED, fileType: 'LOG', size: 16 });
    const [bobRequested] = await desk.adapters.eventStore.readStream(ticketStreamId(bobTicket.id));
    expect(bobRequested!.data).toMatchObject({ email: bob.email, phone: bob.phone, message: bob.message, name: bob.name });

    // `npm run read-model:rebuild`'s path: its own adapters on the same DATA_DIR, folding the whole store.
    const rebuilder = await openAdapters({ DATA_DIR: desk.dataDir }, ['eventStore', 'readModel'], 'read-model-rebuild');
    try {
      const done = await rebuildReadModel({ eventStore: rebuilder.eventStore, readModel: rebuilder.readModel, batchSize: 10 });
      expect(done.tickets).toBe(2);
    } finally {
      await rebuilder.close();
    }

    await vi.waitFor(async () => expect(await search({ uuid: alice.uuid })).toEqual([]), catchUp);
    expect(await search({ email: alice.email })).toEqual([]);
    expect(await search({ phone: alice.phone })).toEqual([]);
    expect(await search({ udid: alice.udid })).toEqual([]);
    const all = await search({});
    const aliceRow = all.find((r) => r.id === aliceTicket.id);
    expect(aliceRow, 'the erased ticket still counts, anonymised').toBeDefined();
    const shown = JSON.stringify(all);
    for (const value of [...alicePersonal, alice.uuid]) expect(shown, value).not.toContain(value);
    expect(shown).toContain(bob.email);
    expect((await search({ email: bob.email })).map((r) => r.id)).toEqual([bobTicket.id]);
  });
});
