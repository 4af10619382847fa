import { readdirSync, readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AVRO_SCHEMA_VERSION, avroSchemaPath, eventCodec } from './avro-codec';
import type { TicketRequested } from './ticket-events';

/** A reader or writer built from one .avsc file alone, as another team would. */
const fromFile = (file: string | URL) => avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')));
const AVRO_DIR = new URL('./avro/', import.meta.url);

const requested: TicketRequested['data'] = {
  recordId: '4f0c1a52-0b5a-4f43-9d6c-6f1f2a3b4c5d',
  ticketId: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
  uuid: 'user-1',
  udid: 'DEVICE-1',
  subject: 'Crash on start',
  message: 'It crashes',
  email: 'a@example.com',
  name: null,
  category: 'App Crash',
  phone: '+44 20 7946 0001',
  images: ['732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg'],
  requestedAt: 1_700_000_000_000,
};

describe('TicketRequested v2 beside v1', () => {
  const v1 = fromFile(avroSchemaPath('TicketRequested', 1));
  const v2 = fromFile(avroSchemaPath('TicketRequested', 2));

  it('is what we still write: v1, so v2 only has to be readable both ways', () => {
    expect(AVRO_SCHEMA_VERSION).toBe(1);
    expect(eventCodec('TicketRequested').fingerprint).toBe(v1.fingerprint('sha256').toString('hex'));
  });

  it('a v2 reader reads v1 bytes: appVersion takes its default, null', () => {
    const written = eventCodec('TicketRequested').encode(requested);
    const read = v2.fromBuffer(written, v2.createResolver(v1));
    expect({ ...read }).toEqual({ ...requested, appVersion: null });
  });

  it('a v1 reader, from the v1 file alone, reads v2 bytes: it skips appVersion', () => {
    const written = v2.toBuffer({ ...requested, appVersion: '5.12.0' });
    expect(() => v1.fromBuffer(written)).toThrow(); // without the writer's schema the bytes don't line up
    const read = v1.fromBuffer(written, v1.createResolver(v2));
    expect({ ...read }).toEqual(requested);
  });

  it('keeps the record name of v1 (Avro resolves records by full name)', () => {
    expect(v2.name).toBe(v1.name);
    expect(v2.fingerprint('sha256').equals(v1.fingerprint('sha256'))).toBe(false);
  });
});

describe('every .avsc on file', () => {
  const files = readdirSync(AVRO_DIR).filter((f) => f.endsWith('.avsc'));
  const versions = new Map<string, number[]>();
  for (const file of files) {
    const [, type, version] = /^(\w+)\.v(\d+)\.avsc$/.exec(file) ?? [];
    expect(type, `${file} is named <EventType>.v<n>.avsc`).toBeDefined();
    versions.set(
      type!,
      [...(versions.get(type!) ?? []), Number(version)].sort((a, b) => a - b),
    );
  }

  it('has no gaps in its versions, starting at v1', () => {
    expect(versions.get('TicketRequested')).toEqual([1, 2]);
    for (const [type, list] of versions) expect(list, type).toEqual(list.map((_, i) => i + 1));
  });

  it('is fully compatible with the version before it: each reads the data of the other', () => {
    for (const [type, list] of versions) {
      for (const version of list.slice(1)) {
        const older = fromFile(new URL(`${type}.v${version - 1}.avsc`, AVRO_DIR));
        const newer = fromFile(new URL(`${type}.v${version}.avsc`, AVRO_DIR));
        expect(() => newer.createResolver(older), `${type} v${version} reads v${version - 1}`).not.toThrow();
        expect(() => older.createResolver(newer), `${type} v${version - 1} reads v${version}`).not.toThrow();
      }
    }
  });
});
