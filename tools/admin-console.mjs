/**
 * Builds the admin console (libs/admin-console) for the browser: one minified ES
 * module and one stylesheet with content-hashed names, their source maps, the icon,
 * and index.html naming those files. Flat: every file is served as /admin/assets/<name>,
 * index.html as /admin.
 *
 * tools/build.mjs writes it beside each app bundle that serves the console
 * (dist/apps/<app>/admin-console/); from the TypeScript sources (tsx, vitest) the
 * console's server module builds it in memory with buildAdminConsole().
 *
 * Plain JavaScript, like build.mjs: it runs with node alone.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const self = relative(root, import.meta.filename);
const lib = 'libs/admin-console/src';

const SCRIPT = `${lib}/browser/main.ts`;
const STYLESHEET = `${lib}/static/admin.css`;
const PAGE = `${lib}/static/index.html`;
/** Copied as they are. */
const STATIC_FILES = [`${lib}/static/favicon.svg`];
/** index.html names the unhashed files; each is replaced by the built name. */
const PAGE_REFERENCES = { '/admin/assets/app.js': 'app', '/admin/assets/admin.css': 'admin' };

/**
 * With the esbuild module given (build.mjs has it loaded): the files to serve and
 * the sources they came from (paths from the repository root, for build.mjs's staleness check).
 */
export function buildAdminConsoleWith(esbuild) {
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: { app: SCRIPT, admin: STYLESHEET },
    entryNames: '[name]-[hash]',
    outdir: 'dist/admin-console',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // Browsers of the last few years; nothing is polyfilled.
    target: ['chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const files = result.outputFiles.map((f) => ({ name: basename(f.path), contents: f.contents }));
  const builtName = (entry) => {
    const output = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === (entry === 'app' ? SCRIPT : STYLESHEET));
    return basename(output[0]);
  };
  let page = readFileSync(join(root, PAGE), 'utf8');
  for (const [reference, entry] of Object.entries(PAGE_REFERENCES)) {
    if (!page.includes(`"${reference}"`)) throw new Error(`${PAGE} does not reference ${reference}`);
    page = page.replaceAll(`"${reference}"`, `"/admin/assets/${builtName(entry)}"`);
  }
  files.push({ name: 'index.html', contents: Buffer.from(page) });
  for (const file of STATIC_FILES) files.push({ name: basename(file), contents: readFileSync(join(root, file)) });
  const inputs = [self, PAGE, ...STATIC_FILES, ...Object.keys(result.metafile.inputs)];
  return { files, inputs: [...new Set(inputs)] };
}

/** Builds the console with the installed esbuild (a dev dependency: from the sources only). */
export async function buildAdminConsole() {
  return buildAdminConsoleWith(await import('esbuild'));
}

/**
 * Writes the console into `outDir` (build.mjs: dist/apps/<app>/admin-console/) and
 * returns its source files. index.html last, each file whole (rename), then the
 * files of earlier builds go: a running server has its files in memory already.
 */
export function writeAdminConsole(esbuild, outDir) {
  const { files, inputs } = buildAdminConsoleWith(esbuild);
  mkdirSync(outDir, { recursive: true });
  for (const file of [...files.filter((f) => f.name !== 'index.html'), ...files.filter((f) => f.name === 'index.html')]) {
    const path = join(outDir, file.name);
    writeFileSync(`${path}.${process.pid}.tmp`, file.contents);
    renameSync(`${path}.${process.pid}.tmp`, path);
  }
  const current = new Set(files.map((f) => f.name));
  for (const entry of readdirSync(outDir)) if (!current.has(entry)) rmSync(join(outDir, entry), { force: true });
  return inputs;
}
