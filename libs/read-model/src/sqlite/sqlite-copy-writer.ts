import type { Worker } from 'node:worker_threads';
import { startWorker } from '@support-desk/service-kit/worker';
import type { StoredTicketView } from '../ticket-view';
import type { TableNames } from './sqlite-layout';

export type CopyWriterInit = { path: string; names: TableNames; erasedAtStart: string[] };
export type CopyWriterMessage = { batch: readonly StoredTicketView[] } | { close: true };
type Reply = { ok: true } | { error: string };

/**
 * Writes a rebuild's batches into the copy on a worker thread with its own
 * connection (sqlite-copy-writer.worker.ts), so the rebuild folds the next batch
 * while SQLite writes this one: on two cores the rebuild's two halves, reading and
 * opening events and writing rows, run side by side. Batches are written in the
 * order given; each write resolves once its transaction has committed, so a read
 * on the read model's own connection sees it afterwards.
 */
export class SqliteCopyWriter {
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private failed: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const next = this.waiting.shift();
      if (this.waiting.length === 0) worker.unref();
      if ('ok' in reply) next?.resolve();
      else next?.reject(new Error(`rebuild copy write failed: ${reply.error}`));
    });
    worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    void this.exited.then(() => this.fail(new Error('the rebuild copy writer thread ended')));
    // Held (ref) only while a write is waiting for its answer: a copy nobody closes (a process ending on an
    // error) must not keep the process alive, and a write being waited for must (else Node exits mid-rebuild).
    worker.unref();
  }

  /** A writer for the copy `names` of the file at `path`; undefined when no worker can run (see startWorker). */
  static start(init: CopyWriterInit): SqliteCopyWriter | undefined {
    if (init.path === ':memory:') return undefined; // a second connection would open another, empty database
    const worker = startWorker(new URL('./sqlite-copy-writer.worker.ts', import.meta.url), init);
    return worker && new SqliteCopyWriter(worker);
  }

  write(batch: readonly StoredTicketView[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const written = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.ref();
    this.worker.postMessage({ batch } satisfies CopyWriterMessage);
    return written;
  }

  /** Waits for the writes already given, then closes the thread's connection. */
  async close(): Promise<void> {
    if (!this.failed) this.worker.postMessage({ close: true } satisfies CopyWriterMessage);
    this.worker.ref();
    await this.exited;
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const wait of this.waiting.splice(0)) wait.reject(this.failed);
  }
}
