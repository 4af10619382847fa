import { describe, expect, it } from 'vitest';
import { emptyForm } from './search-query';
import { isConsoleLink, routeOf, searchUrl, ticketUrl } from './routes';

const at = (path: string) => routeOf(new URL(path, 'http://desk.test'));

describe('console routes', () => {
  it('shows the search at /admin and /admin/, with the URL’s search', () => {
    expect(at('/admin')).toMatchObject({ page: 'search' });
    expect(at('/admin/?email=a%40b.c')).toMatchObject({ page: 'search', search: { form: { email: 'a@b.c' } } });
  });

  it('shows a ticket at /admin/tickets/<id>, and nothing else there', () => {
    expect(at('/admin/tickets/5a3c2a47-4d0e-4a4e-9a43-0a0d3b8c6f11')).toEqual({ page: 'ticket', ticketId: '5a3c2a47-4d0e-4a4e-9a43-0a0d3b8c6f11' });
    expect(at('/admin/tickets/a%2Fb')).toEqual({ page: 'ticket', ticketId: 'a/b' });
    expect(at('/admin/tickets')).toMatchObject({ page: 'not-found' });
    expect(at('/admin/tickets/x/y')).toMatchObject({ page: 'not-found' });
  });

  it('builds the URLs it parses', () => {
    const search = { form: { ...emptyForm(), phone: '+44 20', q: 'a&b' }, pageSize: 20, cursor: null };
    expect(at(searchUrl(search))).toEqual({ page: 'search', search });
    expect(searchUrl({ form: emptyForm(), pageSize: 20, cursor: null })).toBe('/admin/');
    expect(at(ticketUrl('a/b?c'))).toEqual({ page: 'ticket', ticketId: 'a/b?c' });
  });

  it('follows only its own pages itself', () => {
    const origin = 'http://desk.test';
    expect(isConsoleLink('http://desk.test/admin/tickets/1', origin)).toBe(true);
    expect(isConsoleLink('http://desk.test/admin', origin)).toBe(true);
    expect(isConsoleLink('http://desk.test/admin/assets/app.js', origin)).toBe(false);
    expect(isConsoleLink('http://desk.test/api/docs', origin)).toBe(false);
    expect(isConsoleLink('https://acme.zendesk.com/agent/tickets/1', origin)).toBe(false);
    expect(isConsoleLink('http://desk.test/administrator', origin)).toBe(false);
  });
});
