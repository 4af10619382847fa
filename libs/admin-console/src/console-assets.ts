import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_CONTROL, contentTypeOf, isContentHashed } from './console-headers';

export type ConsoleFile = { contents: Buffer; contentType: string; cacheControl: string; etag: string };

/** The console's page and the files it loads from /admin/assets/<name>. */
export type ConsoleAssets = { page: ConsoleFile; files: ReadonlyMap<string, ConsoleFile> };

/** What tools/admin-console.mjs builds: flat files, index.html among them. */
export type BuiltFile = { name: string; contents: Uint8Array };

/**
 * In an app's bundle, tools/build.mjs has built the console into
 * dist/apps/<app>/admin-console/, beside the module that reads it.
 */
const BUNDLED_DIR = 'admin-console';

let loading: Promise<ConsoleAssets> | undefined;

/**
 * The console's files, read once per process on first use (so apps and tests that
 * never serve /admin pay nothing). From the TypeScript sources (tsx, vitest) there is
 * no bundle beside this file: the console is built in memory, as the bundler would.
 */
export function loadConsoleAssets(): Promise<ConsoleAssets> {
  loading ??= readBundledOrBuild().catch((error: unknown) => {
    loading = undefined; // the next request tries again
    throw error;
  });
  return loading;
}

async function readBundledOrBuild(): Promise<ConsoleAssets> {
  const dir = fileURLToPath(new URL(`./${BUNDLED_DIR}/`, import.meta.url));
  if (existsSync(join(dir, 'index.html'))) return toConsoleAssets(readdirSync(dir).map((name) => ({ name, contents: readFileSync(join(dir, name)) })));
  // A computed specifier: the bundler leaves it alone, and bundles never get here.
  const tool = new URL('../../../tools/admin-console.mjs', import.meta.url).href;
  const { buildAdminConsole } = (await import(tool)) as { buildAdminConsole(): Promise<{ files: BuiltFile[] }> };
  return toConsoleAssets((await buildAdminConsole()).files);
}

export function toConsoleAssets(built: readonly BuiltFile[]): ConsoleAssets {
  const files = new Map<string, ConsoleFile>();
  let page: ConsoleFile | undefined;
  for (const { name, contents } of built) {
    const body = Buffer.from(contents);
    const file = {
      contents: body,
      contentType: contentTypeOf(name),
      cacheControl: name === 'index.html' ? CACHE_CONTROL.page : isContentHashed(name) ? CACHE_CONTROL.hashed : CACHE_CONTROL.other,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    };
    if (name === 'index.html') page = file;
    else files.set(name, file);
  }
  if (!page) throw new Error('the admin console has no index.html: build it with node tools/build.mjs');
  return { page, files };
}
