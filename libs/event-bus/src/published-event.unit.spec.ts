import { describe, expect, it } from 'vitest';
import { ERASED } from '@support-desk/contracts';
import type { RecordedEvent } from '@support-desk/event-store';
import { MemoryDataKeyStore } from '@support-desk/personal-data/memory';
import { protectPersonalData } from '@support-desk/personal-data';
import { ArrayEventStore, pd1Event } from '@support-desk/personal-data/testing';
import { publishedEvent } from './published-event';

const requested = {
  type: 'TicketRequested',
  data: {
    recordId: 'r',
    ticketId: 't',
    uuid: 'alice',
    udid: 'd',
    subject: 's',
    message: 'm',
    email: 'alice@example.com',
    name: null,
    category: 'c',
    phone: null,
    images: [],
    requestedAt: 1,
  },
};

describe('publishedEvent (what the relay hands the bus)', () => {
  const setup = async () => {
    const raw = new ArrayEventStore();
    const keys = new MemoryDataKeyStore();
    const store = protectPersonalData(raw, keys);
    await store.append('support-ticket-r', [requested], { expectedRevision: 'no_stream' });
    return { raw, keys, store };
  };

  it('publishes personal fields as the store decrypts them, with the subject but without the key id', async () => {
    const { store } = await setup();
    const [event] = await store.readStream('support-ticket-r');
    const published = publishedEvent(event!);
    expect(published.data).toEqual(requested.data);
    expect(published.metadata).toEqual({ dataSubject: 'alice' });
  });

  it('publishes ERASED once the subject is erased', async () => {
    const { store, keys } = await setup();
    await keys.eraseSubject('alice');
    const [event] = await store.readStream('support-ticket-r');
    expect(publishedEvent(event!).data).toMatchObject({ uuid: 'alice', email: ERASED, message: ERASED });
  });

  it('refuses a sealed event (a relay on the raw store), naming the fix', async () => {
    const { raw } = await setup();
    expect(raw.events[0]!.data.email).toBe('pd2');
    expect(() => publishedEvent(raw.events[0]!)).toThrow(/metadata.sealedFields is still encrypted; the relay must read the store through protectPersonalData/);
    // The envelope alone is refused too, whatever the rest says.
    const envelopeOnly = { ...raw.events[0]!, data: requested.data, metadata: { sealedFields: raw.events[0]!.metadata.sealedFields } };
    expect(() => publishedEvent(envelopeOnly)).toThrow(/metadata.sealedFields is still encrypted/);
  });

  it('refuses a stored pd1 value (written before pd2), naming the fix', async () => {
    const raw = new ArrayEventStore();
    await raw.append('support-ticket-r', [pd1Event(requested, await new MemoryDataKeyStore().keyFor('alice'), 'alice')], { expectedRevision: 'no_stream' });
    expect(() => publishedEvent(raw.events[0]!)).toThrow(/field \w+ is still encrypted; the relay must read the store through protectPersonalData/);
  });

  it('refuses pd2 markers without their envelope', async () => {
    const { raw } = await setup();
    const { sealedFields: _, ...metadata } = raw.events[0]!.metadata;
    expect(() => publishedEvent({ ...raw.events[0]!, metadata })).toThrow(/field udid is still encrypted/);
  });

  it('publishes a user\'s text that looks sealed ("pd2", "pd1.…") once the store opened it; a copy of the event is judged by its looks', async () => {
    const raw = new ArrayEventStore();
    const store = protectPersonalData(raw, new MemoryDataKeyStore());
    const data = { ...requested.data, subject: 'pd2', message: 'pd1.what is this?' };
    await store.append('support-ticket-r', [{ ...requested, data }], { expectedRevision: 'no_stream' });
    const [event] = await store.readStream('support-ticket-r');
    expect(publishedEvent(event!)).toMatchObject({ data, metadata: { dataSubject: 'alice' } });
    expect(() => publishedEvent({ ...event! })).toThrow(/field (subject|message) is still encrypted/);
  });

  it('passes events of before crypto-shredding as they are', () => {
    const old: RecordedEvent = {
      id: 'e',
      streamId: 's',
      type: 'TicketRequested',
      data: requested.data,
      metadata: { correlationId: 'c' },
      revision: 0,
      position: '0',
      recordedAt: 0,
    };
    expect(publishedEvent(old)).toBe(old);
  });
});
