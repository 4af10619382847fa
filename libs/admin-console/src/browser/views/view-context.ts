import type { AdminConsoleConfig } from '@support-desk/contracts';
import type { AdminApi } from '../api';

/** What a page gets from the console shell. */
export type ViewContext = {
  api: AdminApi;
  /** Where the page puts its content. */
  main: HTMLElement;
  /** Aborted when the admin leaves the page: late answers are dropped, downloads stop. */
  signal: AbortSignal;
  /** Follow a console URL without reloading (pushState). */
  navigate(url: string, options?: { replace?: boolean; state?: PageState }): void;
  /** A short message for everyone, screen readers included (a polite live region). */
  announce(message: string): void;
  /** The server's console settings, fetched once per session. */
  config(): Promise<AdminConsoleConfig>;
  /** An object URL that is revoked when the page is left. */
  objectUrl(blob: Blob): string;
  /** history.state of this entry. */
  state: PageState | null;
};

/** Kept in history entries: which results page this is, and whether the admin came from the results. */
export type PageState = { page?: number; fromResults?: boolean };

/** Sets the document title and moves focus to the page heading, so keyboard and screen-reader users start at the top. */
export function enterPage(heading: HTMLElement, title: string): void {
  document.title = `${title} · Support Desk admin`;
  heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
}
