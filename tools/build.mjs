/**
 * Bundles each app into dist/apps/<app>/main.js (+ source maps), so production runs
 * plain JavaScript instead of transpiling TypeScript at start. What the code
 * imports lazily (`await import()`: the adapters a configuration does not use)
 * becomes a chunk beside main.js, loaded only when imported, as under tsx.
 *
 *   node tools/build.mjs [app...] [--if-stale]     (no app: all of them)
 *
 * --if-stale rebuilds only an app whose bundled sources changed since its last
 * build (content hashes, not mtimes), and needs no esbuild when nothing did: that
 * is how `npm start` and the stack launcher stay fast and never run stale code.
 *
 * Plain JavaScript, not TypeScript: it runs with node alone, before anything is built.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAdminConsole } from './admin-console.mjs';

export const APPS = ['support-desk', 'intake-api', 'file-service', 'query-service', 'zendesk-sync', 'relay', 'gateway'];

const root = resolve(import.meta.dirname, '..');
const self = relative(root, import.meta.filename);

/**
 * Files code reads at run time next to its own module (`new URL('./avro/…', import.meta.url)`).
 * In a bundle import.meta.url is the bundle's, so each is copied beside main.js
 * whenever the module that reads it is in the bundle.
 */
const ASSETS = [{ module: 'libs/contracts/src/events/avro-codec.ts', from: 'libs/contracts/src/events/avro', to: 'avro' }];

/**
 * Browser code an app serves, built for the browser beside main.js whenever the
 * module that serves it is in the bundle; its sources count for --if-stale.
 */
const BROWSER_BUNDLES = [{ module: 'libs/admin-console/src/console-assets.ts', to: 'admin-console', write: writeAdminConsole }];

/** Everything but the entry point and its settings that decides the output. */
const ALWAYS_INPUTS = [self, 'tsconfig.json', 'tsconfig.base.json'];

export const bundlePath = (app) => join(root, 'dist/apps', app, 'main.js');
const manifestPath = (app) => join(root, 'dist/apps', app, 'build-inputs.json');

/**
 * Workspace packages (@support-desk/*) export TypeScript, so they are bundled;
 * every other package stays an import of node_modules, as it was under tsx (native
 * better-sqlite3, pino's worker files, and no second copy of anything).
 */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'entry-point' || args.path.startsWith('@support-desk/') ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildApps(apps = APPS, { ifStale = false } = {}) {
  for (const app of apps) if (!APPS.includes(app)) throw new Error(`unknown app ${app}; apps: ${APPS.join(', ')}`);
  const todo = ifStale ? apps.filter((app) => !isFresh(app)) : apps;
  if (todo.length === 0) return [];
  const started = performance.now();
  const esbuild = await loadEsbuild();
  const results = await Promise.all(todo.map((app) => esbuild.build(options(app))));
  todo.forEach((app, i) => writeApp(app, results[i], esbuild));
  console.log(`built ${todo.map((a) => `dist/apps/${a}/main.js`).join(', ')} in ${Math.round(performance.now() - started)} ms`);
  return todo;
}

function options(app) {
  return {
    absWorkingDir: root,
    entryPoints: { main: `apps/${app}/src/main.ts` },
    outdir: `dist/apps/${app}`,
    bundle: true,
    // A dynamic import stays lazy only in its own file: inlined, the packages it
    // imports would load at start (kafkajs, mongodb, the S3 and EventStoreDB clients
    // for an embedded run). Chunks sit beside main.js, so import.meta.url-relative
    // files (the .avsc directory) resolve the same from any of them.
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Bundling renames clashing identifiers; keep class and function names for logs and errors.
    keepNames: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [externalPackages],
  };
}

/**
 * For launchers (the local stack, the benchmarks): the app's bundle, rebuilt first
 * when stale. Synchronous (a child node runs the build) so a spawn can call it
 * inline; it rebuilds every stale app at once, as the stack asks for six in a row.
 */
export function builtApp(app) {
  if (!APPS.includes(app)) throw new Error(`unknown app ${app}; apps: ${APPS.join(', ')}`);
  if (!isFresh(app)) execFileSync(process.execPath, [join(root, self), '--if-stale'], { stdio: 'inherit' });
  return bundlePath(app);
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new Error('the apps need building but esbuild is not installed: run `npm ci` (without --omit=dev) first', { cause: e });
  }
}

function writeApp(app, result, esbuild) {
  const dir = join(root, 'dist/apps', app);
  const inputs = Object.keys(result.metafile.inputs);
  checkExternals(
    app,
    Object.values(result.metafile.outputs).flatMap((o) => o.imports),
  );
  // Maps and chunks (content-hashed names) first, main.js after them and the
  // manifest last, each written whole (rename): a concurrent `--if-stale` never
  // trusts a half-written build, and a running process finds its chunks.
  const order = (f) => (f.path.endsWith('.map') ? 0 : f.path === join(dir, 'main.js') ? 2 : 1);
  for (const file of [...result.outputFiles].sort((a, b) => order(a) - order(b))) writeAtomically(file.path, file.contents);
  const assets = ASSETS.filter((a) => inputs.includes(a.module));
  for (const asset of assets) cpSync(join(root, asset.from), join(dir, asset.to), { recursive: true });
  const browserInputs = BROWSER_BUNDLES.filter((b) => inputs.includes(b.module)).flatMap((b) => b.write(esbuild, join(dir, b.to)));
  const hashed = [...ALWAYS_INPUTS, ...inputs, ...inputs.flatMap(packageJsonOf), ...assets.map((a) => a.from), ...browserInputs];
  writeAtomically(manifestPath(app), JSON.stringify({ inputs: Object.fromEntries([...new Set(hashed)].sort().map((f) => [f, hash(f)])) }, null, 1));
  // Chunks of earlier builds: nothing imports them any more.
  const current = new Set(result.outputFiles.map((f) => f.path));
  for (const entry of readdirSync(dir)) if (/\.js(\.map)?$/.test(entry) && !current.has(join(dir, entry))) rmSync(join(dir, entry));
}

/** An external import that production's `npm ci --omit=dev` would not install fails only at run time: fail the build instead. */
function checkExternals(app, imports) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const missing = imports
    .filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path))
    .map((i) =>
      i.path
        .split('/')
        .slice(0, i.path.startsWith('@') ? 2 : 1)
        .join('/'),
    )
    .filter((pkg) => !(pkg in dependencies));
  if (missing.length > 0) throw new Error(`${app} imports ${[...new Set(missing)].join(', ')}, not in package.json "dependencies"`);
}

/** The workspace package.json whose "exports" resolved a bundled file (libs/x/src/a.ts → libs/x/package.json). */
function packageJsonOf(input) {
  const [top, name] = input.split('/');
  return (top === 'libs' || top === 'apps') && name ? [`${top}/${name}/package.json`] : [];
}

function isFresh(app) {
  if (!existsSync(bundlePath(app)) || !existsSync(manifestPath(app))) return false;
  try {
    const { inputs } = JSON.parse(readFileSync(manifestPath(app), 'utf8'));
    return Object.entries(inputs).every(([file, digest]) => hash(file) === digest);
  } catch {
    return false; // unreadable manifest, or an input is gone
  }
}

/** sha256 of a file, or of a directory's files (an asset directory). Throws when it is gone. */
function hash(file) {
  const path = join(root, file);
  const h = createHash('sha256');
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) h.update(entry).update(readFileSync(join(path, entry)));
  else h.update(readFileSync(path));
  return h.digest('hex');
}

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'if-stale': { type: 'boolean', default: false } } });
  try {
    await buildApps(positionals.length > 0 ? positionals : APPS, { ifStale: values['if-stale'] });
  } catch (e) {
    console.error(`tools/build.mjs: ${e.message}`);
    process.exitCode = 1;
  }
}
