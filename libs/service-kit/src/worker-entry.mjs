// The entry of every worker thread started by startWorker (worker.ts): loads the
// module it names. The repo runs its TypeScript sources through tsx (services'
// dev mode, the CLIs, vitest), and a worker thread does not inherit the parent's
// loader, so a .ts module is loaded through tsx's API; a .js one directly.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}
