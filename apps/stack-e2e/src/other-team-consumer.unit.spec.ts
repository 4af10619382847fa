import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { readAsOtherTeam } from './other-team-consumer';

/** The other team's reader, built against v1, meets data written with v2; bytes made from the .avsc files only. */
describe('another team reading TicketRequested', () => {
  const onFile = (name: string) =>
    avro.Type.forSchema(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../libs/contracts/src/events/avro', name), 'utf8')));
  const data = {
    recordId: 'r-1',
    ticketId: 't-1',
    uuid: 'user-1',
    udid: 'DEVICE-1',
    subject: 'Crash',
    message: 'It crashes',
    email: 'a@example.com',
    name: 'Ann',
    category: 'App Crash',
    phone: null,
    images: [],
    requestedAt: 1_700_000_000_000,
  };

  it('reads v1 data as it always did', () => {
    expect(readAsOtherTeam('TicketRequested', '1', onFile('TicketRequested.v1.avsc').toBuffer(data))).toEqual(data);
  });

  it('reads v2 data with its v1 reader: the new appVersion is skipped', () => {
    const v2Bytes = onFile('TicketRequested.v2.avsc').toBuffer({ ...data, appVersion: '5.12.0' });
    expect(readAsOtherTeam('TicketRequested', '2', v2Bytes)).toEqual(data);
  });
});
