/**
 * The SQLite read model's write path in the projection's shape (figures, not
 * pass/fail): 30,000 new views inserted in batches of 128, then each updated as a
 * TicketSynced does (sync status and Zendesk id), CPU µs per view for each.
 *
 *   npx tsx bench/read-model-update.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTicketReadModel } from '@support-desk/read-model/sqlite';
import { sampleView } from '@support-desk/read-model/testing';
const dir = mkdtempSync(join(tmpdir(), 'bench-rm-update-'));
const path = join(dir, 'read-model.db');
const rm = new SqliteTicketReadModel(path);
const N = 30_000;
const views = Array.from({ length: N }, (_, i) => sampleView({ requestedAt: 1_700_000_000_000 + i }));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t = cpu();
for (let i = 0; i < N; i += 128) await rm.upsertMany!(views.slice(i, i + 128).map((view) => ({ view, revision: 0 })));
const insertMs = cpu() - t;
t = cpu();
for (let i = 0; i < N; i += 128)
  await rm.upsertMany!(
    views.slice(i, i + 128).map((v) => ({ view: { ...v, sync: { status: 'SYNCED' as const, zendeskTicketId: String(100000 + i) } }, revision: 1 })),
  );
const updateMs = cpu() - t;
console.log(`insert ${((insertMs * 1000) / N).toFixed(1)} us/view, update (synced) ${((updateMs * 1000) / N).toFixed(1)} us/view`);
await rm.close();
rmSync(dir, { recursive: true, force: true });
