import { describe, expect, it } from 'vitest';
import { endpointOf } from './zendesk-instruments';

describe('endpointOf', () => {
  it('turns Zendesk paths into bounded endpoint templates: no ids, no queries', () => {
    expect(endpointOf('/api/v2/tickets/987/comments.json?x=1')).toBe('/api/v2/tickets/:id/comments.json');
    expect(endpointOf('/api/v2/uploads?filename=a.png')).toBe('/api/v2/uploads');
    expect(endpointOf('/api/v2/tickets/42.json')).toBe('/api/v2/tickets/:id.json');
    expect(endpointOf('/api/v2/tickets/12345')).toBe('/api/v2/tickets/:id');
    expect(endpointOf('/api/v2/tickets')).toBe('/api/v2/tickets');
  });
});
