import { describe, expect, it } from 'vitest';
import { ERASED } from '@support-desk/contracts';
import type { NewEvent, RecordedEvent } from '@support-desk/event-store';
import { SEALED_FIELD, isSealEnvelope, sealFields } from './event-seal';
import { PersonalDataDecryptError } from './field-cipher';
import { MemoryDataKeyStore } from './memory';
import { PERSONAL_DATA_METADATA, TICKET_PERSONAL_DATA } from './personal-data.policy';
import { protectPersonalData } from './protect-personal-data';
import { ArrayEventStore, ERASED_TICKET_REQUEST_FIELDS, pd1Event } from './testing';

const { sealed: SEALED, keyId: KEY_ID } = PERSONAL_DATA_METADATA;

/** One event of every type the policy lists, with null and empty-list fields among them. */
const events = (uuid: string): NewEvent[] => [
  {
    type: 'TicketRequested',
    data: {
      recordId: 'r',
      ticketId: 't',
      uuid,
      udid: `udid-${uuid}`,
      subject: 'Crash on start',
      message: `My phone crashes, write to ${uuid}@example.com`,
      email: `${uuid}@example.com`,
      name: null,
      category: 'BUG',
      phone: '+49 170 1234567',
      images: ['selfie.jpeg', 'screen.png'],
      requestedAt: 1,
    },
  },
  {
    type: 'SupportFileUploaded',
    data: { recordId: 'r', fileId: 'f', fileType: 'LOG', blobKey: 'b', fileName: `${uuid}-device.log`, contentType: 'text/plain', size: 16, uploadedAt: 2 },
  },
  { type: 'UserReplied', data: { recordId: 'r', replyId: 'p', uuid, body: `Still broken, ${uuid}`, images: [], repliedAt: 3 } },
  {
    type: 'TicketCommentAdded',
    data: { recordId: 'r', ticketId: 't', commentId: 'c', authorRole: 'AGENT', public: true, body: `Hello ${uuid}`, createdAt: 4, replyId: null },
  },
];
const clearValues = /alice@|udid-alice|Crash on start|1234567|selfie|alice-device|Still broken|Hello alice/;

async function setup() {
  const raw = new ArrayEventStore();
  const keys = new MemoryDataKeyStore();
  const store = protectPersonalData(raw, keys);
  await store.append('support-ticket-a', events('alice'), { expectedRevision: 'no_stream' });
  return { raw, keys, store };
}
const subscribed = async (store: ReturnType<typeof protectPersonalData>) => {
  const seen: RecordedEvent[] = [];
  await store.subscribeToAll({}, async (e) => void seen.push(e)).stop();
  return seen;
};
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('read did not fail'),
    (error: unknown) => error,
  );

describe('protectPersonalData, pd2 (one seal per event)', () => {
  it('stores each personal value as the pd2 marker (null as null) with one envelope in the metadata, for every policy type', async () => {
    const { raw } = await setup();
    expect(raw.events.map((e) => e.type)).toEqual(Object.keys(TICKET_PERSONAL_DATA));
    expect(JSON.stringify(raw.events)).not.toMatch(clearValues);
    for (const [stored, original] of raw.events.map((e, i) => [e, events('alice')[i]!] as const)) {
      for (const field of Object.keys(TICKET_PERSONAL_DATA[stored.type]!.fields))
        expect(stored.data[field], `${stored.type}.${field}`).toBe(original.data[field] === null ? null : SEALED_FIELD);
      expect(isSealEnvelope(stored.metadata[SEALED]), stored.type).toBe(true);
      expect(stored.metadata).toMatchObject({ dataSubject: 'alice', [KEY_ID]: raw.events[0]!.metadata[KEY_ID] });
    }
  });

  it('reads every type back exactly, without the envelope, by readStream and subscribeToAll', async () => {
    const { store } = await setup();
    const read = await store.readStream('support-ticket-a');
    expect(read.map((e) => e.data)).toEqual(events('alice').map((e) => e.data));
    for (const e of read) expect(e.metadata).toEqual({ dataSubject: 'alice', [KEY_ID]: expect.any(String) });
    expect((await subscribed(store)).map((e) => e.data)).toEqual(events('alice').map((e) => e.data));
  });

  it('writes no envelope when no personal field has a value', async () => {
    const raw = new ArrayEventStore();
    const store = protectPersonalData(raw, new MemoryDataKeyStore(), { Noted: { fields: { note: 'optionalText' } } });
    await store.append('s', [{ type: 'Noted', data: { uuid: 'alice', note: null } }], { expectedRevision: 'no_stream' });
    expect(raw.events[0]!.data).toEqual({ uuid: 'alice', note: null });
    expect(raw.events[0]!.metadata[SEALED]).toBeUndefined();
    expect((await store.readStream('s'))[0]!.data).toEqual({ uuid: 'alice', note: null });
  });

  it('gives placeholders once the key is erased: ERASED, [] for lists, null stays null; never an error', async () => {
    const { keys, store } = await setup();
    await keys.eraseSubject('alice');
    const [requested, uploaded, replied, comment] = await store.readStream('support-ticket-a');
    expect(requested!.data).toEqual({
      ...events('alice')[0]!.data,
      ...ERASED_TICKET_REQUEST_FIELDS,
    });
    expect(uploaded!.data).toMatchObject({ fileName: ERASED, fileType: 'LOG', size: 16 });
    expect(replied!.data).toMatchObject({ body: ERASED, images: [], uuid: 'alice' });
    expect(comment!.data).toMatchObject({ body: ERASED, replyId: null });
    expect(requested!.metadata[SEALED]).toBeUndefined();
    expect((await subscribed(store)).map((e) => e.data.body ?? e.data.email ?? e.data.fileName)).toEqual([ERASED, ERASED, ERASED, ERASED]);
  });

  const tampered: [string, (events: RecordedEvent[], others: RecordedEvent[]) => void, RegExp][] = [
    [
      'a flipped byte of the envelope',
      ([e]) => void (e!.metadata[SEALED] = flipLastByte(e!.metadata[SEALED] as string)),
      /TicketRequested sealed fields: does not open/,
    ],
    ['an envelope moved from another event type', ([e, , replied]) => void (e!.metadata[SEALED] = replied!.metadata[SEALED]), /does not open/],
    ['an envelope moved from another subject (another key)', ([e], [bob]) => void (e!.metadata[SEALED] = bob!.metadata[SEALED]), /does not open/],
    ['the key id of another subject', ([e], [bob]) => void (e!.metadata[KEY_ID] = bob!.metadata[KEY_ID]), /does not open/],
    ['a removed envelope', ([e]) => void delete e!.metadata[SEALED], /TicketRequested.udid: marked pd2, but no metadata.sealedFields envelope/],
    [
      'a marker replaced by a clear value',
      ([e]) => void (e!.data.email = 'mallory@example.com'),
      /TicketRequested.email: sealed, but the field does not hold the pd2 marker/,
    ],
    [
      'a null field given the marker',
      ([e]) => void (e!.data.name = SEALED_FIELD),
      /TicketRequested.name: marked pd2, but not in the metadata.sealedFields envelope/,
    ],
    ['an envelope without a key id', ([e]) => void delete e!.metadata[KEY_ID], /sealed fields but no dataKeyId/],
  ];
  it.each(tampered)('reports %s as PersonalDataDecryptError naming the event, not as erased', async (_, tamper, reason) => {
    const { raw, store } = await setup();
    await store.append('support-ticket-b', events('bob'), { expectedRevision: 'no_stream' });
    const alice = raw.events.filter((e) => e.streamId === 'support-ticket-a');
    tamper(
      alice,
      raw.events.filter((e) => e.streamId === 'support-ticket-b'),
    );
    const error = await rejection(store.readStream('support-ticket-a'));
    expect(error).toBeInstanceOf(PersonalDataDecryptError);
    expect((error as Error).message).toMatch(new RegExp(`^event ${alice[0]!.id} \\(support-ticket-a revision 0\\): `));
    expect((error as Error).message).toMatch(reason);
    expect(await store.readStream('support-ticket-b')).toHaveLength(4); // others still read
  });
});

describe('protectPersonalData, stored pd1 events (a value per field) still read', () => {
  const storePd1 = async () => {
    const raw = new ArrayEventStore();
    const keys = new MemoryDataKeyStore();
    const key = await keys.keyFor('alice');
    await raw.append(
      'support-ticket-a',
      events('alice').map((e) => pd1Event(e, key, 'alice')),
      { expectedRevision: 'no_stream' },
    );
    return { raw, keys, key, store: protectPersonalData(raw, keys) };
  };

  it('reads every type back exactly', async () => {
    const { raw, store } = await storePd1();
    expect(JSON.stringify(raw.events)).not.toMatch(clearValues);
    expect((raw.events[0]!.data.email as string).startsWith('pd1.')).toBe(true);
    expect((await store.readStream('support-ticket-a')).map((e) => e.data)).toEqual(events('alice').map((e) => e.data));
  });

  it('gives placeholders once the key is erased', async () => {
    const { keys, store } = await storePd1();
    await keys.eraseSubject('alice');
    const [requested, , replied] = await store.readStream('support-ticket-a');
    expect(requested!.data).toMatchObject({ email: ERASED, name: null, phone: ERASED, images: [] });
    expect(replied!.data).toMatchObject({ body: ERASED, images: [] });
  });

  it('reads an event mixing pd1 fields and a pd2 envelope', async () => {
    const { raw, key, store } = await storePd1();
    const stored = raw.events[0]!;
    stored.data.email = SEALED_FIELD;
    stored.data.images = SEALED_FIELD;
    stored.metadata[SEALED] = sealFields(key, 'TicketRequested', { email: 'alice@example.com', images: ['selfie.jpeg', 'screen.png'] });
    expect((await store.readStream('support-ticket-a'))[0]!.data).toEqual(events('alice')[0]!.data);
  });
});

function flipLastByte(envelope: string): string {
  const [prefix, iv, sealed] = envelope.split('.');
  const bytes = Buffer.from(sealed!, 'base64url');
  bytes[bytes.length - 1]! ^= 1;
  return `${prefix}.${iv}.${bytes.toString('base64url')}`;
}
