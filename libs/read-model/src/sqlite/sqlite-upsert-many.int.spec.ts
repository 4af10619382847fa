import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleView } from '../testing';
import { SqliteTicketReadModel } from './sqlite-ticket-read-model';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function readModel(): SqliteTicketReadModel {
  const dir = mkdtempSync(join(tmpdir(), 'rm-upsert-many-'));
  dirs.push(dir);
  return new SqliteTicketReadModel(join(dir, 'read-model.db'));
}

describe('SqliteTicketReadModel.upsertMany (the projection batch)', () => {
  it('writes every view of the batch as upsert would, guarded by revision', async () => {
    const rm = readModel();
    const a = sampleView({ recordId: 'rec-a', ticketId: 'T-A', subject: 'printer jammed' });
    const b = sampleView({ recordId: 'rec-b', ticketId: 'T-B' });
    await rm.upsert({ view: { ...b, category: 'newer' }, revision: 3 });
    await rm.upsertMany([
      { view: a, revision: 0 },
      { view: { ...b, category: 'older' }, revision: 2 }, // older than what is stored: refused
    ]);
    expect(await rm.get('rec-a')).toEqual({ view: a, revision: 0 });
    expect((await rm.get('rec-b'))?.view.category).toBe('newer');
    await rm.upsertMany([{ view: { ...a, category: 'moved' }, revision: 1 }]);
    expect(await rm.get('rec-a')).toMatchObject({ revision: 1, view: { category: 'moved' } });
    // Searchable like an upserted view: keys, words and counts.
    const found = await rm.search({ ticketId: 'T-A' }, { offset: 0, limit: 10 });
    expect(found.items.map((v) => v.recordId)).toEqual(['rec-a']);
    expect((await rm.search({ q: 'printer' }, { offset: 0, limit: 10 })).items.map((v) => v.recordId)).toEqual(['rec-a']);
    expect((await rm.search({}, { offset: 0, limit: 10 })).total).toBe(2);
    await rm.close();
  });

  it('is one transaction: a batch that fails part way leaves nothing of it', async () => {
    const rm = readModel();
    const good = sampleView({ recordId: 'rec-c' });
    // A view whose JSON cannot be written (a BigInt) fails inside the batch, after the first view's insert.
    const bad = { ...sampleView({ recordId: 'rec-d' }), requestedAt: 10n as unknown as number };
    await expect(
      rm.upsertMany([
        { view: good, revision: 0 },
        { view: bad, revision: 0 },
      ]),
    ).rejects.toThrow();
    expect(await rm.get('rec-c')).toBeNull();
    await rm.close();
  });
});
