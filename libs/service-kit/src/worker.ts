import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running `entry` (a module URL, TypeScript or JavaScript)
 * with `data` as its `workerData` (beside `entry`). Undefined when the module is not
 * there: code bundled into a service's main.js has no sources beside it, and a
 * caller then does the work on its own thread.
 */
export function startWorker(entry: URL, data: Record<string, unknown>): Worker | undefined {
  if (entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return undefined;
  return new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}
