import type { AdminConsoleConfig } from '@support-desk/contracts';
import { AdminApi } from './api';
import { h, replaceChildren } from './dom';
import { isConsoleLink, routeOf } from './routes';
import { TokenSession } from './session';
import { renderSearch } from './views/search.view';
import { renderSignIn } from './views/sign-in.view';
import { renderTicket } from './views/ticket.view';
import { enterPage, type PageState, type ViewContext } from './views/view-context';

/**
 * The admin console's shell: the session, the router (history API, one page per
 * URL under /admin) and the page in view. Every page starts from the URL alone,
 * so a reload, a bookmark or a shared link shows the same thing (after sign-in).
 */
const main = document.getElementById('main')!;
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement;
const announcer = document.getElementById('announcer')!;

const session = new TokenSession(sessionStorageOrNull());
const api = new AdminApi(
  () => session.token,
  () => endSession('Your admin token is no longer accepted (it expired or was removed). Sign in again.'),
);

let config: Promise<AdminConsoleConfig> | null = null;
let page: { controller: AbortController; objectUrls: string[] } | null = null;

function render(notice: string | null = null): void {
  leavePage();
  const controller = new AbortController();
  const objectUrls: string[] = [];
  page = { controller, objectUrls };
  signOutButton.hidden = !session.token;
  if (!session.token) {
    renderSignIn({
      api,
      main,
      notice,
      onSignedIn: (token, settings) => {
        session.signIn(token);
        config = Promise.resolve(settings);
        announce('Signed in.');
        render();
      },
    });
    return;
  }
  const ctx: ViewContext = {
    api,
    main,
    signal: controller.signal,
    navigate,
    announce,
    config: consoleConfig,
    objectUrl: (blob) => {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      return url;
    },
    state: (history.state as PageState | null) ?? null,
  };
  const route = routeOf(new URL(location.href));
  switch (route.page) {
    case 'search':
      return renderSearch(ctx, route.search);
    case 'ticket':
      return renderTicket(ctx, route.ticketId);
    case 'not-found': {
      const heading = h('h1', null, 'Page not found');
      replaceChildren(main, heading, h('p', null, `There is no console page at ${route.path}. `, h('a', { href: '/admin/' }, 'Search tickets')));
      enterPage(heading, 'Page not found');
      return;
    }
  }
}

/** Fetched once per session; a failure is not kept, the next page asks again. */
function consoleConfig(): Promise<AdminConsoleConfig> {
  config ??= api.config().catch((error: unknown) => {
    config = null;
    throw error;
  });
  return config;
}

function navigate(url: string, options: { replace?: boolean; state?: PageState } = {}): void {
  if (options.replace) history.replaceState(options.state ?? null, '', url);
  else history.pushState(options.state ?? null, '', url);
  render();
}

function leavePage(): void {
  if (!page) return;
  page.controller.abort();
  for (const url of page.objectUrls) URL.revokeObjectURL(url);
  page = null;
}

function endSession(notice: string): void {
  if (!session.token) return; // several calls may fail at once: one notice
  session.signOut();
  config = null;
  render(notice);
}

let announcement: number | undefined;
function announce(message: string): void {
  // Emptied first, so the same message twice is announced twice; gone after a while.
  announcer.textContent = '';
  window.clearTimeout(announcement);
  window.setTimeout(() => (announcer.textContent = message), 50);
  announcement = window.setTimeout(() => (announcer.textContent = ''), 8000);
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

signOutButton.addEventListener('click', () => {
  session.signOut();
  config = null;
  render('You are signed out. The token was removed from this tab.');
});

// Links into the console are followed without a reload; new-tab clicks, downloads and other sites are the browser's.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const href = link.getAttribute('href');
  if (!href || href.startsWith('#') || link.target || link.hasAttribute('download') || !isConsoleLink(link.href, location.origin)) return;
  event.preventDefault();
  navigate(link.href, { state: link.hasAttribute('data-from-results') ? { fromResults: true } : {} });
});

window.addEventListener('popstate', () => render());

render();
