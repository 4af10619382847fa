import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { avroSchemaPath, eventCodec, isPublishedEventType } from './avro-codec';
import { ERASURE_EVENT_TYPES, type ErasureEvent } from './erasure-events';

const samples: { [T in ErasureEvent['type']]: Extract<ErasureEvent, { type: T }>['data'] } = {
  UserErasureRequested: {
    erasureId: '0b7f8c1e-5d2a-4c3b-9e8f-1a2b3c4d5e6f',
    uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
    requestedBy: 'admin:3f1a9c0b2d4e',
    reason: 'Art. 17 request, ticket #1234',
    requestedAt: 1_700_000_000_000,
    ticketIds: ['0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a'],
    zendeskTicketIds: ['42'],
    blobKeys: ['images/732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg', 'support-files/0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a/LOG/u1'],
  },
  UserErasureStepCompleted: {
    erasureId: '0b7f8c1e-5d2a-4c3b-9e8f-1a2b3c4d5e6f',
    uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07',
    step: 'zendesk',
    count: 1,
    note: null,
    completedAt: 1_700_000_001_000,
  },
  UserErased: { erasureId: '0b7f8c1e-5d2a-4c3b-9e8f-1a2b3c4d5e6f', uuid: '79af4bc5-a995-4262-92ee-0da381ccaf07', erasedAt: 1_700_000_002_000 },
};

/** A reader built from one .avsc file alone, as another team would. */
const fromFile = (type: ErasureEvent['type']) => avro.Type.forSchema(JSON.parse(readFileSync(avroSchemaPath(type, 1), 'utf8')));

describe('Avro schemas of the erasure events', () => {
  it('are published types with a codec each', () => {
    for (const type of ERASURE_EVENT_TYPES) expect(isPublishedEventType(type), type).toBe(true);
    expect(isPublishedEventType('SomethingElse')).toBe(false);
  });

  it.each(ERASURE_EVENT_TYPES)('%s round-trips, and a reader of the .avsc file alone reads what we write', (type) => {
    const codec = eventCodec(type);
    const written = codec.encode(samples[type]);
    expect({ ...codec.decode(written) }).toEqual(samples[type]);
    expect({ ...fromFile(type).fromBuffer(written) }).toEqual(samples[type]);
  });

  it('carry nothing but what the event type declares (no field left out of the schema)', () => {
    for (const type of ERASURE_EVENT_TYPES) {
      const fields = (fromFile(type) as avro.types.RecordType).fields.map((f) => f.name).sort();
      expect(fields, type).toEqual(Object.keys(samples[type]).sort());
    }
  });

  it('UserErased carries ids and a date only: a consumer needs nothing else to erase its copies', () => {
    const fields = (fromFile('UserErased') as avro.types.RecordType).fields.map((f) => f.name);
    expect(fields).toEqual(['erasureId', 'uuid', 'erasedAt']);
  });

  it('a StepCompleted written without a note (an older writer) reads note as null', () => {
    const withoutNote = avro.Type.forSchema({
      type: 'record',
      name: 'UserErasureStepCompleted',
      namespace: 'supportdesk.erasure.v1',
      fields: [
        { name: 'erasureId', type: 'string' },
        { name: 'uuid', type: 'string' },
        { name: 'step', type: 'string' },
        { name: 'count', type: 'int' },
        { name: 'completedAt', type: 'long' },
      ],
    });
    const reader = fromFile('UserErasureStepCompleted');
    const { note, ...rest } = samples.UserErasureStepCompleted;
    const read = reader.fromBuffer(withoutNote.toBuffer(rest), reader.createResolver(withoutNote));
    expect({ ...read }).toEqual({ ...rest, note: null });
    expect(note).toBeNull();
  });
});
