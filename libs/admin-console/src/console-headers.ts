/**
 * The console's page may run only its own bundled script and stylesheet, talk
 * only to its own origin, and show images it fetched itself (blob: URLs, since
 * an <img> cannot send the admin token). No inline script or style, no framing,
 * no form posting anywhere: a token typed into the page can only leave by fetch
 * to this origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every file of the console. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** index.html is asked again each time (it names the current bundle); bundle files have content-hashed names and never change. */
export const CACHE_CONTROL = {
  page: 'no-cache',
  hashed: 'public, max-age=31536000, immutable',
  other: 'public, max-age=3600',
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[name.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/** Names esbuild gives with entryNames '[name]-[hash]': `app-2F7QK3XY.js`, `app-2F7QK3XY.js.map`. */
export const isContentHashed = (name: string): boolean => /-[A-Z0-9]{8}\.[a-z]+(\.map)?$/.test(name);
