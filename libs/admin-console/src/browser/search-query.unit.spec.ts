import { describe, expect, it } from 'vitest';
import { emptyForm, hasCriteria, nextDay, paramsFromSearchState, searchRequestBody, searchStateFromParams } from './search-query';

describe('a search in the URL', () => {
  it('goes URL → state → URL unchanged, with only what is given', () => {
    const query = 'uuid=u-1&email=a%40b.c&q=crash+on+start&syncStatus=FAILED&createdFrom=2026-01-01&createdTo=2026-01-31&pageSize=50&cursor=opaque%2Fcursor';
    const state = searchStateFromParams(new URLSearchParams(query));
    expect(state).toMatchObject({ pageSize: 50, cursor: 'opaque/cursor' });
    expect(state.form).toMatchObject({ uuid: 'u-1', email: 'a@b.c', q: 'crash on start', syncStatus: 'FAILED', udid: '', phone: '' });
    expect(paramsFromSearchState(state).toString()).toBe(query);
  });

  it('drops the default page size, unknown page sizes and malformed days', () => {
    const state = searchStateFromParams(new URLSearchParams('pageSize=7&createdFrom=yesterday&createdTo=2026-02-30x'));
    expect(state.pageSize).toBe(20);
    expect(state.form.createdFrom).toBe('');
    expect(state.form.createdTo).toBe('');
    expect(paramsFromSearchState(state).toString()).toBe('');
  });

  it('keeps equal searches at equal URLs whatever order the fields were typed', () => {
    const a = searchStateFromParams(new URLSearchParams('phone=1&email=x'));
    const b = searchStateFromParams(new URLSearchParams('email=x&phone=1'));
    expect(paramsFromSearchState(a).toString()).toBe(paramsFromSearchState(b).toString());
  });
});

describe('the search request body', () => {
  it('sends the given seed fields and filters, trimmed; nothing for blanks', () => {
    const form = { ...emptyForm(), email: '  a@b.c ', zendeskTicketId: '42', q: 'crash', ticketStatus: 'SOLVED', category: ' ' };
    expect(searchRequestBody(form)).toEqual({ email: 'a@b.c', zendeskTicketId: '42', q: 'crash', ticketStatus: 'SOLVED' });
    expect(searchRequestBody(emptyForm())).toEqual({});
  });

  it('turns the inclusive "Created to" day into the exclusive next day', () => {
    expect(searchRequestBody({ ...emptyForm(), createdFrom: '2026-02-28', createdTo: '2026-02-28' })).toEqual({
      createdFrom: '2026-02-28',
      createdTo: '2026-03-01',
    });
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('knows an empty search from one with criteria', () => {
    expect(hasCriteria(emptyForm())).toBe(false);
    expect(hasCriteria({ ...emptyForm(), syncStatus: 'PENDING' })).toBe(true);
  });
});
