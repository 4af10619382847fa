import { describe, expect, it } from 'vitest';
import { recordIdForTicket, uuidV5 } from './ticket-ids';

describe('ticket ids', () => {
  it('computes RFC 4122 v5 UUIDs (known vector)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // Again, now that the namespace's bytes are cached.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, 'https://example.com/ключ-é')
    expect(uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://example.com/ключ-é')).toBe('d6888103-37a5-55fc-941e-aad1f5809bcf');
  });

  it('derives a stable record id from a ticket id, whatever its case', () => {
    const t = '34822e49-8ed3-42fd-87a0-700a6d509102';
    expect(recordIdForTicket(t)).toBe(recordIdForTicket(t.toUpperCase()));
    expect(recordIdForTicket(t)).not.toBe(recordIdForTicket('0fcdaf5c-0835-40b5-af7d-8c685dfbec0e'));
  });
});
