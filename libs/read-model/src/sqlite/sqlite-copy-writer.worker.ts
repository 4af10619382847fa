/**
 * The worker thread of SqliteCopyWriter: its own connection to the read model's
 * file, writing a rebuild's batches into the copy's tables, one transaction each,
 * in the order they come. Answers each batch with `{ ok: true }` or
 * `{ error }`; `{ close: true }` closes the connection and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from '@support-desk/service-kit/sqlite';
import type { StoredTicketView } from '../ticket-view';
import type { CopyWriterInit, CopyWriterMessage } from './sqlite-copy-writer';
import { SqliteTicketTable } from './sqlite-ticket-table';

const { path, names, erasedAtStart } = workerData as CopyWriterInit;
const db = openSqliteDatabase(path);
// As the read model's own connection (sqlite-ticket-read-model.ts): freed content zeroed, checkpoints every 40 MiB.
db.pragma('secure_delete = ON');
db.pragma('wal_autocheckpoint = 10000');
const table = new SqliteTicketTable(db, names, new Set(erasedAtStart));
// BEGIN IMMEDIATE: a deferred transaction reads first and, when the live projection's connection commits
// before it writes, fails at once with SQLITE_BUSY (no busy wait). The table's own transaction nests inside.
const writeBatch = db.transaction((batch: StoredTicketView[]) => table.upsertMany(batch));
const port = parentPort!;

port.on('message', (message: CopyWriterMessage) => {
  if ('close' in message) {
    db.close();
    port.close();
    return;
  }
  try {
    writeBatch.immediate(message.batch as StoredTicketView[]);
    port.postMessage({ ok: true });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
