import { paramsFromSearchState, searchStateFromParams, type SearchState } from './search-query';

/** The console's pages, each at its own URL under /admin (the server answers every one with the console). */
export type Route = { page: 'search'; search: SearchState } | { page: 'ticket'; ticketId: string } | { page: 'not-found'; path: string };

export const CONSOLE_ROOT = '/admin/';

export function routeOf(url: URL): Route {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/admin') return { page: 'search', search: searchStateFromParams(url.searchParams) };
  const ticket = /^\/admin\/tickets\/([^/]+)$/.exec(path);
  if (ticket) return { page: 'ticket', ticketId: safeDecode(ticket[1]!) };
  return { page: 'not-found', path: url.pathname };
}

export function searchUrl(state: SearchState): string {
  const query = paramsFromSearchState(state).toString();
  return query ? `${CONSOLE_ROOT}?${query}` : CONSOLE_ROOT;
}

export const ticketUrl = (ticketId: string): string => `${CONSOLE_ROOT}tickets/${encodeURIComponent(ticketId)}`;

/** A same-origin link into the console, which the page follows itself instead of reloading. */
export function isConsoleLink(href: string, origin: string): boolean {
  try {
    const url = new URL(href, origin);
    return url.origin === origin && (url.pathname === '/admin' || url.pathname.startsWith(CONSOLE_ROOT)) && !url.pathname.startsWith(`${CONSOLE_ROOT}assets/`);
  } catch {
    return false;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
