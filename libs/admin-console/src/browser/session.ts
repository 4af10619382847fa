/**
 * The admin token for this browser tab. Kept in sessionStorage, never in
 * localStorage or a URL: it survives a reload of the tab (an admin pressing F5
 * is not signed out) but not the tab itself, is not shared with other tabs or
 * windows, and is removed on sign-out or as soon as the server refuses it.
 * The page's Content-Security-Policy allows no script but the console's own.
 */
const KEY = 'support-desk.admin-token';

export class TokenSession {
  private memory: string | null = null;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null) {
    this.memory = this.read();
  }

  get token(): string | null {
    return this.memory;
  }

  signIn(token: string): void {
    this.memory = token;
    try {
      this.storage?.setItem(KEY, token);
    } catch {
      // Storage refused (private mode, quota): the token stays in memory only.
    }
  }

  signOut(): void {
    this.memory = null;
    try {
      this.storage?.removeItem(KEY);
    } catch {
      // nothing stored
    }
  }

  private read(): string | null {
    try {
      return this.storage?.getItem(KEY) ?? null;
    } catch {
      return null;
    }
  }
}
