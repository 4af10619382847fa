import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRealServer, findPostgres } from '@support-desk/service-kit/testing';
import type { RecordedEvent } from '../event-store.port';
import { SqliteCheckpointStore } from '../sqlite/sqlite-checkpoint-store';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { copySqliteToPostgres } from './copy-from-sqlite';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { decodePosition, START } from './postgres-position';
import { dropSchema, uniqueSchema } from './postgres-test-support';

const STREAMS = 30;

describeWithRealServer('Copying an embedded SQLite event store into PostgreSQL', await findPostgres(), (endpoint) => {
  const dir = mkdtempSync(join(tmpdir(), 'es-copy-'));
  const from = join(dir, 'events.db');
  const schemas: string[] = [];
  const opened: PostgresEventStore[] = [];
  let source: RecordedEvent[];
  let relayPosition: string;

  const target = async (purpose: string) => {
    const schema = uniqueSchema(purpose);
    schemas.push(schema);
    const store = await PostgresEventStore.connect(endpoint().url, { schema, poolSize: 2 });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    // What `npm start` leaves in DATA_DIR: tickets of several events, a relay checkpoint.
    const sqlite = new SqliteEventStore(from);
    const checkpoints = new SqliteCheckpointStore(sqlite.database);
    let t = 1_700_000_000_000;
    const now = () => t++;
    for (let s = 0; s < STREAMS; s++) {
      const events = Array.from({ length: 1 + (s % 3) }, (_, i) => ({
        type: i === 0 ? 'TicketRequested' : 'SupportFileUploaded',
        data: { s, i, text: `ticket ${s} 🎫 nul:\u0000 "quoted"`, at: now() },
        metadata: { correlationId: randomUUID() },
      }));
      await sqlite.append(`ticket-${s}`, events, { expectedRevision: 'no_stream' });
    }
    source = sqlite.readAllAfter(0, 10_000);
    relayPosition = source[24]!.position;
    await checkpoints.store('relay', relayPosition);
    await checkpoints.store('zendesk-relay', source.at(-1)!.position);
    await checkpoints.store('not-a-position', 'abc');
    await sqlite.close();
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    for (const schema of schemas) await dropSchema(endpoint().url, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies everything, resumes after an interruption, and copies nothing a second time', async () => {
    const to = await target('copy');
    const abort = new AbortController();
    const first = await copySqliteToPostgres({ from, to, batchSize: 10, signal: abort.signal, onProgress: (p) => p.done >= 20 && abort.abort() });
    expect(first).toMatchObject({ interrupted: true, done: 20, copied: 20, checkpoints: [] });
    expect(await new PostgresCheckpointStore(to).load('relay')).toBeUndefined();

    const progress: number[] = [];
    const second = await copySqliteToPostgres({ from, to, batchSize: 10, copyCheckpoints: true, onProgress: (p) => progress.push(p.done) });
    expect(second).toMatchObject({ interrupted: false, done: source.length, total: source.length, copied: source.length - 20, alreadyThere: 20 });
    expect(progress.at(-1)).toBe(source.length);
    expect(second.checkpoints.map((c) => [c.name, c.outcome])).toEqual([
      ['not-a-position', 'no-such-event'],
      ['relay', 'copied'],
      ['zendesk-relay', 'copied'],
    ]);

    const third = await copySqliteToPostgres({ from, to, copyCheckpoints: true });
    expect(third).toMatchObject({ copied: 0, alreadyThere: source.length });
    expect(third.checkpoints.filter((c) => c.outcome !== 'no-such-event').map((c) => c.outcome)).toEqual(['unchanged', 'unchanged']);

    // Same events, same order, same bytes; only the positions are PostgreSQL's.
    const copied = await to.readAllAfter(START, 10_000);
    const comparable = (e: RecordedEvent) => [e.id, e.streamId, e.revision, e.type, JSON.stringify(e.data), e.metadata, e.recordedAt];
    expect(copied.map(comparable)).toEqual(source.map(comparable));
    expect((await to.readStream('ticket-2')).map((e) => e.revision)).toEqual([0, 1, 2]);

    // The relay resumes right after the same event, and tickets go on where they were.
    const relay = await new PostgresCheckpointStore(to).load('relay');
    expect(decodePosition(relay!)).toBeDefined();
    const after = copied.slice(copied.findIndex((e) => e.position === relay) + 1);
    expect(after.map((e) => e.id)).toEqual(source.slice(25).map((e) => e.id));
    await to.append('ticket-2', [{ type: 'TicketSynced', data: {} }], { expectedRevision: 2 });
  });

  it('refuses to mix in a store whose event ids sit elsewhere', async () => {
    const to = await target('clash');
    await to.append('someone-else', [{ id: source[3]!.id, type: 'X', data: {} }], { expectedRevision: 'no_stream' });
    await expect(copySqliteToPostgres({ from, to })).rejects.toThrow(/already holds events with these ids/);
  });

  it('runs as `npm run eventstore:copy-to-postgres`, with a progress bar', async () => {
    const schema = uniqueSchema('cli');
    schemas.push(schema);
    const cli = join(import.meta.dirname, 'copy-from-sqlite.main.ts');
    const run = (...extra: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, '--from', from, '--to', endpoint().url, '--schema', schema, ...extra]);
    const { stdout, stderr } = await run();
    expect(stderr).toMatch(new RegExp(`events \\[#+\\] 100% ${source.length}/${source.length}`));
    expect(stdout).toContain(`Done: ${source.length} events copied, 0 already there, into schema "${schema}".`);
    expect(stdout).toContain('checkpoint relay: skipped');
    const again = await run('--with-checkpoints');
    expect(again.stdout).toContain(`Done: 0 events copied, ${source.length} already there`);
    expect(again.stdout).toContain('checkpoint relay: copied');
  });
});
