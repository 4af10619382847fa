import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../testing';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { SqliteEventStore } from './sqlite-event-store';

eventStoreContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-contract-'));
  const store = new SqliteEventStore(join(dir, 'events.db'), { pollIntervalMs: 50 });
  return { store, checkpoints: new SqliteCheckpointStore(store.database), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

eventStoreContract('sqlite in memory', async () => {
  const store = new SqliteEventStore(':memory:', { pollIntervalMs: 50 });
  return { store, checkpoints: new SqliteCheckpointStore(store.database) };
});
