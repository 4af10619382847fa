import { describe, expect, it } from 'vitest';
import { erasureStreamId, ticketStreamId, type TicketEvent } from '@support-desk/contracts';
import { ArrayEventStore } from '@support-desk/personal-data/testing';
import type { TicketReadModel, TicketSearchQuery } from '@support-desk/read-model';
import { loadErasure } from './erasure-stream';
import { runRetention } from './retention';

const DAY = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;

/** One ticket's stream: requested, synced, and optionally a Zendesk status some days ago. */
async function ticket(store: ArrayEventStore, n: number, uuid: string, status?: { status: string; daysAgo: number }) {
  const recordId = `r-${n}`;
  const ticketId = `t-${n}`;
  const events: TicketEvent[] = [
    {
      type: 'TicketRequested',
      data: {
        recordId,
        ticketId,
        uuid,
        udid: 'd',
        subject: 's',
        message: 'm',
        email: `${uuid}@example.com`,
        name: null,
        category: 'c',
        phone: null,
        images: [`img-${n}.png`],
        requestedAt: now - 400 * DAY,
      },
    },
    { type: 'TicketSynced', data: { recordId, ticketId, zendeskTicketId: String(100 + n), syncedAt: now - 400 * DAY } },
  ];
  if (status)
    events.push({
      type: 'TicketStatusChanged',
      data: { recordId, ticketId, status: status.status, zendeskTicketId: String(100 + n), changedAt: now - status.daysAgo * DAY },
    });
  await store.append(ticketStreamId(recordId), events, { expectedRevision: 'no_stream' });
  return { recordId, uuid, ticketStatus: status?.status ?? 'CREATED' };
}

/** A read model stand-in that answers search by uuid and by ticketStatus from a list of views. */
function readModelOf(views: { recordId: string; uuid: string; ticketStatus: string }[]): Pick<TicketReadModel, 'search'> {
  return {
    async search(query: TicketSearchQuery, page) {
      const matches = views.filter(
        (v) =>
          (query.uuid === undefined || v.uuid === query.uuid) &&
          (query.ticketStatus === undefined || v.ticketStatus.toLowerCase() === query.ticketStatus.toLowerCase()),
      );
      const offset = 'offset' in page ? page.offset : 0;
      const items = matches.slice(offset, offset + page.limit).map((v) => ({ recordId: v.recordId, uuid: v.uuid }) as never);
      return { items, hasMore: offset + page.limit < matches.length };
    },
  };
}

describe('runRetention', () => {
  it('erases users whose every ticket is closed or solved longer than RETENTION_DAYS, as requested by retention, and only them', async () => {
    const store = new ArrayEventStore();
    const views = [
      await ticket(store, 1, 'old', { status: 'CLOSED', daysAgo: 100 }),
      await ticket(store, 2, 'old', { status: 'SOLVED', daysAgo: 45 }),
      await ticket(store, 3, 'recent', { status: 'CLOSED', daysAgo: 5 }),
      await ticket(store, 4, 'mixed', { status: 'CLOSED', daysAgo: 100 }),
      await ticket(store, 5, 'mixed', { status: 'OPEN', daysAgo: 100 }),
      await ticket(store, 6, 'open', { status: 'PENDING', daysAgo: 300 }),
    ];
    const lines: { msg: string; obj: object }[] = [];
    const log = { info: (obj: object, msg: string) => lines.push({ obj, msg }), warn: () => undefined, error: () => undefined };
    const run = await runRetention({ store, readModel: readModelOf(views), log, days: 30, now: () => now });

    expect(run).toEqual({ candidates: 3, erasuresRequested: 1, skipped: 2 });
    const old = await loadErasure(store, 'old');
    expect(old).toMatchObject({
      status: 'requested',
      request: { requestedBy: 'retention', ticketIds: ['t-1', 't-2'], zendeskTicketIds: ['101', '102'], blobKeys: ['images/img-1.png', 'images/img-2.png'] },
    });
    expect(old.status !== 'none' && old.request.reason).toMatch(/^RETENTION_DAYS=30: .*last on \d{4}-\d{2}-\d{2}$/);
    for (const uuid of ['recent', 'mixed', 'open']) expect(await store.readStream(erasureStreamId(uuid)), uuid).toEqual([]);
    // Progress in the logs: start, each erasure, the summary.
    expect(lines.map((l) => l.msg)).toEqual(['retention run started', 'retention: erasure requested', 'retention run finished']);
    expect(lines[1]!.obj).toMatchObject({ job: 'retention', uuid: 'old', progress: expect.stringMatching(/^\d+\/3$/) });

    // The next run finds that erasure and does not request another.
    expect(await runRetention({ store, readModel: readModelOf(views), log, days: 30, now: () => now })).toEqual({
      candidates: 3,
      erasuresRequested: 0,
      skipped: 3,
    });
  });
});
