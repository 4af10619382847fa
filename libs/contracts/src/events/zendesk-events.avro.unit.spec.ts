import { describe, expect, it } from 'vitest';
import { eventCodec } from './avro-codec';
import type { SupportFileSynced, TicketStatusChanged } from './ticket-events';

describe('Avro schemas of the Zendesk events', () => {
  it('round-trip SupportFileSynced and TicketStatusChanged', () => {
    const fileSynced: SupportFileSynced['data'] = {
      recordId: 'r',
      ticketId: 't',
      blobKey: 'support-files/t/LOG/u',
      zendeskTicketId: '42',
      mode: 'LINK',
      syncedAt: 1_700_000_000_000,
    };
    const statusChanged: TicketStatusChanged['data'] = { recordId: 'r', ticketId: 't', status: 'SOLVED', zendeskTicketId: '42', changedAt: 1_700_000_000_000 };
    for (const [type, data] of [
      ['SupportFileSynced', fileSynced],
      ['TicketStatusChanged', statusChanged],
    ] as const) {
      const codec = eventCodec(type);
      expect({ ...codec.decode(codec.encode(data)) }).toEqual(data);
    }
  });
});
