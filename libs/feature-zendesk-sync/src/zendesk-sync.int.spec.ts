import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from '@support-desk/blob-store/fs';
import { TICKET_STREAM_PREFIX, ticketStreamId } from '@support-desk/contracts';
import { InProcessEventBus, Relay } from '@support-desk/event-bus';
import { SqliteCheckpointStore, SqliteEventStore } from '@support-desk/event-store/sqlite';
import { recordIdForTicket, type FileLinks, type OpenTicket, type TicketCommand } from '@support-desk/ticket-domain';
import { TicketCommandHandler } from '@support-desk/ticket-commands';
import { systemClock, type Clock } from './clock';
import { FakeZendesk } from './testing/fake-zendesk-server';
import { startZendeskSync } from './ticket-sync.worker';
import { TicketSyncer } from './ticket-syncer';
import type { ZendeskSettings } from './zendesk-settings';

const links: FileLinks = {
  supportFileUrl: (ticketId, fileType) => `http://desk.test/api/aws/download/support/file/${ticketId}/${fileType}`,
  imageUrl: (name) => `http://desk.test/api/admin/images/${name}`,
};
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** expect.poll options: the worker, the fake Zendesk and retries with small back-offs. */
const settled = { timeout: 10_000, interval: 10 } as const;

/** A store that fails ("the process dies") at the first TicketSynced; `crash` resolves then. */
function dyingAtTicketSynced(tickets: TicketCommandHandler): { dying: TicketCommandHandler; crash: Promise<void> } {
  let crashed!: () => void;
  const crash = new Promise<void>((resolve) => (crashed = resolve));
  const dying = Object.create(tickets) as TicketCommandHandler;
  dying.handle = async (recordId: string, command: TicketCommand) => {
    if (command.type === 'RecordTicketSynced') {
      crashed();
      throw new Error('simulated crash');
    }
    return tickets.handle(recordId, command);
  };
  return { dying, crash };
}

describe('zendesk-sync against a fake Zendesk', () => {
  let zendesk: FakeZendesk;
  let store: SqliteEventStore;
  let tickets: TicketCommandHandler;
  let blobs: FilesystemBlobStore;
  let dir: string;
  let pipeline: Pipeline | undefined;
  let n = 0;

  type Pipeline = { syncer: TicketSyncer; stop(): Promise<void> };

  const settings = (): ZendeskSettings => ({
    baseUrl: zendesk.url,
    auth: { kind: 'bearer', token: 'oauth-token' },
    requestsPerMinute: 10_000,
    maxAttempts: 3,
    timeoutMs: 300,
    retryBaseMs: 5,
    retryMaxMs: 40,
  });

  /** Worker + its own bus + relay under 'relay-zendesk-sync', as the apps wire it. */
  async function startPipeline(options: { clock?: Clock; store?: TicketCommandHandler } = {}): Promise<Pipeline> {
    const bus = new InProcessEventBus({ retryBaseMs: 10 });
    const syncer = new TicketSyncer({ tickets: options.store ?? tickets, blobs, links, settings: settings(), log: quiet, clock: options.clock });
    const worker = await startZendeskSync(bus, syncer, quiet);
    const relay = new Relay({
      store,
      bus,
      checkpoints: new SqliteCheckpointStore(store.database),
      name: 'relay-zendesk-sync',
      streamPrefix: TICKET_STREAM_PREFIX,
    });
    await relay.start();
    return {
      syncer,
      async stop() {
        const relayStopped = relay.stop();
        await worker!.stop();
        await relayStopped;
        await bus.close();
      },
    };
  }

  async function requestTicket(extra: Partial<{ images: string[]; name: string | null; phone: string | null }> = {}) {
    n += 1;
    const ticketId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const recordId = recordIdForTicket(ticketId);
    const data = {
      recordId,
      ticketId,
      uuid: 'user-1',
      udid: 'DEVICE-1',
      subject: `Crash ${n}`,
      message: 'It <crashes>\non start',
      email: 'a@example.com',
      name: 'Ann',
      category: 'App Crash',
      phone: '+44 20 7946 0001',
      images: [] as string[],
      now: Date.now(),
      ...extra,
    };
    await tickets.handle(recordId, { type: 'RequestTicket', data });
    return { ticketId, recordId };
  }

  const load = async (recordId: string) => (await tickets.load(recordId)).ticket as OpenTicket;
  const syncedOrFailed = (recordId: string) => expect.poll(async () => (await load(recordId)).sync.status, settled).not.toBe('PENDING');
  const exactlyOnce = (ticketId: string) => expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(1);

  beforeAll(async () => {
    zendesk = await FakeZendesk.start();
  });
  afterAll(() => zendesk.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zendesk-sync-'));
    store = new SqliteEventStore(':memory:', { pollIntervalMs: 20 });
    tickets = new TicketCommandHandler(store);
    blobs = new FilesystemBlobStore(join(dir, 'blobs'));
    zendesk.clearFaults();
  });
  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the Zendesk ticket with what the contract says, and records TicketSynced', async () => {
    pipeline = await startPipeline();
    const { ticketId, recordId } = await requestTicket({ images: ['732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg'] });
    await syncedOrFailed(recordId);
    const ticket = await load(recordId);
    expect(ticket.sync.status).toBe('SYNCED');
    const [created] = zendesk.ticketsWithExternalId(ticketId);
    expect(ticket.sync.status === 'SYNCED' && ticket.sync.zendeskTicketId).toBe(String(created!.id));

    const request = zendesk.requestsTo('create').at(-1)!;
    expect(request.headers['idempotency-key']).toBe(ticketId);
    expect(request.headers.authorization).toBe('Bearer oauth-token');
    const body = JSON.parse(request.body.toString()).ticket;
    expect(body).toMatchObject({ subject: 'Crash 1', requester: { name: 'Ann', email: 'a@example.com' }, external_id: ticketId, tags: ['app_crash'] });
    const html: string = body.comment.html_body;
    expect(html).toContain('It &lt;crashes&gt;<br>on start');
    for (const fact of ['App Crash', '+44 20 7946 0001', 'DEVICE-1', 'http://desk.test/api/admin/images/732bbe0a-8d29-4c8d-bb84-891e43439630.jpeg']) {
      expect(html).toContain(fact);
    }
  });

  it('waits for Retry-After on 429, retries 500s and timeouts, and creates every ticket exactly once', async () => {
    pipeline = await startPipeline();
    const started = zendesk.requests.length;
    const made: { ticketId: string; recordId: string }[] = [];
    // One ticket per fault mix, each within the 3 attempts allowed (a 429 does not use one up).
    for (const faults of [
      [
        { kind: 'status', status: 429, retryAfter: '1' },
        { kind: 'status', status: 500 },
      ],
      [{ kind: 'hang' }, { kind: 'status', status: 502 }],
      [{ kind: 'drop-after-apply' }], // Zendesk created it, the answer was lost: the retry must not create another
    ] as const) {
      for (const fault of faults) zendesk.inject('create', fault);
      const t = await requestTicket();
      await syncedOrFailed(t.recordId);
      made.push(t);
    }
    for (const t of made) {
      expect((await load(t.recordId)).sync.status).toBe('SYNCED');
      exactlyOnce(t.ticketId);
    }
    const creates = zendesk.requests.slice(started).filter((r) => r.method === 'POST');
    const limited = creates.findIndex((r) => r.outcome === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    // The next request came only after Retry-After (1 s).
    expect(creates[limited + 1]!.at - creates[limited]!.answeredAt!).toBeGreaterThanOrEqual(950);
    expect(creates.map((r) => r.outcome)).toEqual([429, 500, 201, 'hang', 502, 201, 'drop', 201]);
    expect(creates.at(-1)!.headers['idempotency-key']).toBe(made[2]!.ticketId);
  });

  it("survives a crash between Zendesk's 201 and our TicketSynced: the restart creates no duplicate", async () => {
    // The process "dies" right after Zendesk answered 201: TicketSynced is never written.
    const { dying, crash } = dyingAtTicketSynced(tickets);
    pipeline = await startPipeline({ store: dying });
    const { ticketId, recordId } = await requestTicket();
    await crash;
    await pipeline.stop();
    pipeline = undefined;
    expect((await load(recordId)).sync.status).toBe('PENDING');
    exactlyOnce(ticketId);

    pipeline = await startPipeline(); // restart: the relay's checkpoint replays the TicketRequested
    await syncedOrFailed(recordId);
    expect((await load(recordId)).sync.status).toBe('SYNCED');
    exactlyOnce(ticketId);
    expect(
      zendesk
        .requestsTo('create')
        .filter((r) => r.headers['idempotency-key'] === ticketId)
        .at(-1)!.outcome,
    ).toBe(201);
  });

  it('looks the ticket up by external_id when the retry comes after the 2-hour idempotency window', async () => {
    const { dying, crash } = dyingAtTicketSynced(tickets);
    pipeline = await startPipeline({ store: dying });
    const { ticketId, recordId } = await requestTicket();
    await crash;
    await pipeline.stop();

    zendesk.forgetIdempotencyKeys(); // Zendesk's window has passed...
    const later: Clock = { ...systemClock, now: () => Date.now() + 3 * 60 * 60 * 1000 }; // ...and so have 3 hours here
    const createsBefore = zendesk.requestsTo('create').length;
    pipeline = await startPipeline({ clock: later });
    await syncedOrFailed(recordId);
    expect((await load(recordId)).sync.status).toBe('SYNCED');
    exactlyOnce(ticketId);
    expect(zendesk.requestsTo('create')).toHaveLength(createsBefore);
    expect(zendesk.requestsTo('lookup').at(-1)!.query.get('external_id')).toBe(ticketId);
  });

  it('records TicketSyncFailed with the reason after the configured attempts; a resync then creates it once', async () => {
    pipeline = await startPipeline();
    zendesk.inject('create', { kind: 'status', status: 503 }, 3);
    const { ticketId, recordId } = await requestTicket();
    await syncedOrFailed(recordId);
    const failed = await load(recordId);
    expect(failed.sync).toMatchObject({ status: 'FAILED', attempts: 3 });
    expect(failed.sync.status === 'FAILED' && failed.sync.reason).toMatch(/503/);
    expect(zendesk.ticketsWithExternalId(ticketId)).toHaveLength(0);

    expect(await pipeline.syncer.resync(recordId)).toMatchObject({ status: 'SYNCED' });
    expect(await pipeline.syncer.resync(recordId)).toMatchObject({ status: 'SYNCED' });
    exactlyOnce(ticketId);
  });

  it('attaches files Zendesk accepts, links the ones it refuses, and sends each upload once', async () => {
    pipeline = await startPipeline();
    const { ticketId, recordId } = await requestTicket();
    await syncedOrFailed(recordId);
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2048, 7)]);
    const attach = async (fileType: 'LOG' | 'FEEDBACK_PHOTO', fileName: string, contentType: string, content: Buffer, claimedSize?: number) => {
      const blobKey = `support-files/${ticketId}/${fileType}/${fileName}`;
      await blobs.put(blobKey, Readable.from([content]), { contentType });
      await tickets.handle(recordId, {
        type: 'AttachSupportFile',
        data: { recordId, fileType, blobKey, fileName, contentType, size: claimedSize ?? content.length, now: Date.now() },
      });
      return blobKey;
    };
    const photoKey = await attach('FEEDBACK_PHOTO', 'photo.jpg', 'image/jpeg', photo);
    const logKey = await attach('LOG', 'device.log', 'text/plain', Buffer.from('log line\n'));
    const hugeKey = await attach('LOG', 'huge.zip', 'application/zip', Buffer.from('pretend 60 MB'), 60 * 1024 * 1024);
    await expect.poll(async () => (await load(recordId)).zendeskFiles?.length, settled).toBe(3);

    const zendeskTicket = zendesk.ticketsWithExternalId(ticketId)[0]!;
    const comments = zendeskTicket.comments.slice(1);
    expect(comments).toHaveLength(3);
    expect(comments.every((c) => c.public === false)).toBe(true);
    const [photoComment, logComment, hugeComment] = comments;
    expect(photoComment!.uploads).toHaveLength(1);
    const upload = zendesk.uploads.get(photoComment!.uploads[0]!)!;
    expect(upload).toMatchObject({ fileName: 'photo.jpg', contentType: 'image/jpeg', size: photo.length });
    expect(photoComment!.html_body).toContain(links.supportFileUrl(ticketId, 'FEEDBACK_PHOTO'));
    expect(logComment!.uploads).toEqual([]);
    expect(logComment!.html_body).toContain(links.supportFileUrl(ticketId, 'LOG'));
    expect(logComment!.html_body).toContain('refused');
    expect(hugeComment!.html_body).toContain('50 MB');
    expect(zendesk.requestsTo('upload').map((r) => r.query.get('filename'))).toEqual(['photo.jpg', 'device.log']);

    // Redelivery (e.g. a restart before the checkpoint moved) adds no second comment.
    await pipeline.syncer.syncFile(recordId, { fileType: 'LOG', fileName: 'device.log', contentType: 'text/plain', size: 9, blobKey: logKey });
    await pipeline.syncer.resync(recordId);
    expect(zendesk.ticketsWithExternalId(ticketId)[0]!.comments).toHaveLength(4);
    const events = await store.readStream(ticketStreamId(recordId));
    expect(events.filter((e) => e.type === 'SupportFileSynced').map((e) => [e.data.blobKey, e.data.mode])).toEqual([
      [photoKey, 'ATTACHMENT'],
      [logKey, 'LINK'],
      [hugeKey, 'LINK'],
    ]);
  });

  it('warns, and records nothing, when a file is for a Zendesk ticket deleted there (an agent, or an erasure)', async () => {
    pipeline = await startPipeline();
    const { ticketId, recordId } = await requestTicket();
    await syncedOrFailed(recordId);
    const sync = (await load(recordId)).sync;
    if (sync.status !== 'SYNCED') throw new Error(`expected the ticket synced, got ${sync.status}`);
    const zendeskTicketId = sync.zendeskTicketId;
    const deleted = await fetch(`${zendesk.url}/api/v2/tickets/${zendeskTicketId}.json`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer oauth-token' },
    });
    expect(deleted.status).toBe(204);

    const lines: { level: string; msg: string }[] = [];
    const record = (level: string) => (_obj: object, msg: string) => void lines.push({ level, msg });
    const log = { info: record('info'), warn: record('warn'), error: record('error') };
    const syncer = new TicketSyncer({ tickets, blobs, links, settings: settings(), log });
    const blobKey = `support-files/${ticketId}/LOG/late.log`;
    await blobs.put(blobKey, Readable.from([Buffer.from('late\n')]), { contentType: 'text/plain' });
    await syncer.syncFile(recordId, { fileType: 'LOG', fileName: 'late.log', contentType: 'text/plain', size: 5, blobKey });

    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(lines).toContainEqual({ level: 'warn', msg: 'the Zendesk ticket is gone: the file stays with us only' });
    const events = await store.readStream(ticketStreamId(recordId));
    expect(events.filter((e) => e.type === 'SupportFileSynced')).toEqual([]);
  });

  it('stays off without a syncer: one clear log line, no consumer', async () => {
    const lines: string[] = [];
    const bus = new InProcessEventBus();
    const worker = await startZendeskSync(bus, undefined, { info: () => undefined, warn: (_o, msg) => void lines.push(msg) });
    expect(worker).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Zendesk sync is off: set ZENDESK_SUBDOMAIN/);
    await bus.close();
  });
});
