import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketStreamId } from '@support-desk/contracts';
import { SqliteEventStore } from '@support-desk/event-store/sqlite';
import { CachedDataKeyStore, protectPersonalData } from '@support-desk/personal-data';
import { SqliteDataKeyStore } from '@support-desk/personal-data/sqlite';
import { SqliteTicketReadModel } from '@support-desk/read-model/sqlite';

const TICKETS = 40;
const repoRoot = resolve(import.meta.dirname, '../../..');

/**
 * `npm run read-model:rebuild` as an operator runs it, on the embedded files, with
 * batches and a view cache small enough that it writes (on its writer thread) and
 * reads views back while its subscription is still delivering events.
 */
describe('read-model:rebuild (the command, SQLite files)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebuild-cli-'));
  const emails: string[] = [];

  beforeAll(async () => {
    // Sealed as the services write them: the command opens every event with its user's key.
    const keys = new CachedDataKeyStore(new SqliteDataKeyStore(join(dir, 'keys.db')));
    const store = protectPersonalData(new SqliteEventStore(join(dir, 'events.db')), keys);
    const recordIds: string[] = [];
    for (let n = 0; n < TICKETS; n++) {
      const recordId = randomUUID();
      recordIds.push(recordId);
      emails.push(`rebuild-${n}@example.com`);
      const data = {
        recordId,
        ticketId: randomUUID(),
        uuid: `user-${n % 9}`,
        udid: `DEVICE-${n}`,
        subject: `Subject ${n}`,
        message: `Message number ${n}`,
        email: emails[n]!,
        name: null,
        category: 'crash',
        phone: null,
        images: [],
        requestedAt: 1_700_000_000_000 + n,
      };
      await store.append(ticketStreamId(recordId), [{ type: 'TicketRequested', data }], { expectedRevision: 'no_stream' });
    }
    // Every ticket's second event comes after all the first ones: its view has left the cache by then.
    for (const [n, recordId] of recordIds.entries()) {
      const synced = { recordId, ticketId: randomUUID(), zendeskTicketId: String(5000 + n), syncedAt: 1 };
      await store.append(ticketStreamId(recordId), [{ type: 'TicketSynced', data: synced }], { expectedRevision: 0 });
    }
    await store.close();
    await keys.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('folds every event, writing and reading back views while it runs, and exits 0 with its summary', async () => {
    const { code, stdout, stderr } = await runCli(['--batch-size', '3', '--cache-size', '2']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`rebuilt: ${TICKETS} tickets from ${2 * TICKETS} events`);

    const readModel = new SqliteTicketReadModel(join(dir, 'read-model.db'));
    try {
      const all = await readModel.search({ syncStatus: 'SYNCED' }, { offset: 0, limit: 100 });
      expect(all.items).toHaveLength(TICKETS);
      for (const [n, email] of emails.entries()) {
        const found = await readModel.search({ email }, { offset: 0, limit: 10 });
        expect(
          found.items.map((v) => [v.subject, v.sync]),
          email,
        ).toEqual([[`Subject ${n}`, { status: 'SYNCED', zendeskTicketId: String(5000 + n) }]]);
      }
    } finally {
      await readModel.close();
    }
  });

  it('refuses a batch size that is not a positive whole number, with its usage', async () => {
    const { code, stderr } = await runCli(['--batch-size', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: npm run read-model:rebuild');
  });

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_|KEYSTORE_|DATA_KEY_)/.test(k)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/query-service/src/rebuild-read-model.main.ts', ...args], {
      cwd: repoRoot,
      env: { ...base, DATA_DIR: dir, LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
  }
});
