import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketReadModel } from '../ticket-read-model.port';
import type { TicketView } from '../ticket-view';
import type { TicketDocumentV0 } from '../ticket-view.v0';
import { erasureContract } from './ticket-read-model.erasure.contract';
import { rebuildContract } from './ticket-read-model.rebuild.contract';
import { searchContract } from './ticket-read-model.search.contract';
import { sampleView } from './sample-view';

export { sampleView };

/** A fresh, empty read model per call (a new file, collection or map). */
export type TicketReadModelFactory = () => Promise<{
  readModel: TicketReadModel;
  cleanup?: () => Promise<void>;
  /** Writes a document as builds before versioned views did (the v0 shape), to prove it is still read. */
  storeV0Document?: (doc: TicketDocumentV0, revision: number) => Promise<void>;
}>;

function sampleFields(uuid: string, recordId: string) {
  return {
    recordId,
    ticketId: '6a1f3c2e-0b7d-4e59-9c1a-2f8e4d6b7a90',
    uuid,
    udid: 'A1B2C3D4-0000-4000-8000-000000000001',
    subject: 'Old ticket',
    message: 'Stored by an earlier build',
    email: 'old@example.com',
    name: null,
    category: 'crash',
    phone: '+44 20 7946 0001',
    images: ['0f8e6c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b.png'],
    requestedAt: 1_600_000_000_000,
  };
}

/** The behaviour every TicketReadModel adapter must show. */
export function ticketReadModelContract(adapterName: string, factory: TicketReadModelFactory): void {
  describe(`TicketReadModel contract: ${adapterName}`, () => {
    let readModel: TicketReadModel;
    let cleanup: (() => Promise<void>) | undefined;
    let storeV0Document: ((doc: TicketDocumentV0, revision: number) => Promise<void>) | undefined;
    // Tests of the seed's fields also search under their own user, as they always did.
    let uuid: string;

    beforeEach(async () => {
      ({ readModel, cleanup, storeV0Document } = await factory());
      uuid = randomUUID();
    });
    afterEach(async () => {
      await readModel.close();
      await cleanup?.();
    });

    it('stores a view and reads it back', async () => {
      const view = sampleView({ uuid });
      expect(await readModel.upsert({ view, revision: 0 })).toBe(true);
      expect(await readModel.get(view.recordId)).toEqual({ view, revision: 0 });
      expect(await readModel.get(randomUUID())).toBeNull();
    });

    it('never moves a view backwards: same or older revisions are ignored', async () => {
      const view = sampleView({ uuid });
      await readModel.upsert({ view, revision: 2 });
      const older = { ...view, subject: 'older' };
      expect(await readModel.upsert({ view: older, revision: 1 })).toBe(false);
      expect(await readModel.upsert({ view: older, revision: 2 })).toBe(false);
      expect((await readModel.get(view.recordId))?.view.subject).toBe('App crashes');
      const newer = { ...view, sync: { status: 'SYNCED' as const, zendeskTicketId: '77' } };
      expect(await readModel.upsert({ view: newer, revision: 3 })).toBe(true);
      expect((await readModel.get(view.recordId))?.revision).toBe(3);
    });

    it('moves an updated view between searches: its new values find it, its old ones no longer do', async () => {
      const view = sampleView({ uuid, ticketStatus: 'new' });
      await readModel.upsert({ view, revision: 0 });
      const ids = async (filter: Record<string, string>) => (await readModel.search(filter, { offset: 0, limit: 10 })).items.map((v) => v.recordId);
      const totals = async (filter: Record<string, string>) => (await readModel.search(filter, { offset: 0, limit: 10 })).total;
      expect(await ids({ uuid, syncStatus: 'PENDING', ticketStatus: 'new' })).toEqual([view.recordId]);
      const synced = { ...view, sync: { status: 'SYNCED' as const, zendeskTicketId: '9001' } };
      await readModel.upsert({ view: synced, revision: 1 });
      expect(await ids({ zendeskTicketId: '9001' })).toEqual([view.recordId]);
      expect(await ids({ uuid, syncStatus: 'SYNCED' })).toEqual([view.recordId]);
      expect(await ids({ uuid, syncStatus: 'PENDING' })).toEqual([]);
      const solved = { ...synced, ticketStatus: 'solved' };
      await readModel.upsert({ view: solved, revision: 2 });
      expect(await ids({ uuid, ticketStatus: 'solved', syncStatus: 'SYNCED' })).toEqual([view.recordId]);
      expect(await ids({ uuid, ticketStatus: 'new' })).toEqual([]);
      // A write that changes no search key (only what the view shows) keeps it where it was.
      await readModel.upsert({ view: { ...solved, name: 'Renamed' }, revision: 3 });
      expect(await readModel.get(view.recordId)).toMatchObject({ revision: 3, view: { name: 'Renamed', ticketStatus: 'solved' } });
      expect(await ids({ zendeskTicketId: '9001', ticketStatus: 'solved' })).toEqual([view.recordId]);
      // A status alone (counted, where the adapter counts): once, under its new status only.
      expect(await ids({ ticketStatus: 'solved' })).toEqual([view.recordId]);
      expect(await ids({ ticketStatus: 'new' })).toEqual([]);
      for (const [status, n] of [
        ['solved', 1],
        ['new', 0],
      ] as const) {
        const total = await totals({ ticketStatus: status });
        if (total !== undefined) expect(total, status).toBe(n);
      }
    });

    it('refuses a first revision over any stored one (a redelivered first event)', async () => {
      const view = sampleView({ uuid });
      expect(await readModel.upsert({ view, revision: 0 })).toBe(true);
      expect(await readModel.upsert({ view: { ...view, subject: 'again' }, revision: 0 })).toBe(false);
      const later = sampleView({ uuid });
      await readModel.upsert({ view: later, revision: 2 });
      expect(await readModel.upsert({ view: { ...later, subject: 'replayed' }, revision: 0 })).toBe(false);
      expect(await readModel.get(view.recordId)).toEqual({ view, revision: 0 });
      expect(await readModel.get(later.recordId)).toEqual({ view: later, revision: 2 });
    });

    it('stores concurrent first revisions each once, refusing the duplicates among them', async () => {
      const views = Array.from({ length: 12 }, () => sampleView({ uuid }));
      const asked = [...views, ...views.slice(0, 4)]; // four asked twice, as a redelivery racing the first
      const written = await Promise.all(asked.map((view) => readModel.upsert({ view, revision: 0 })));
      for (const v of views) expect(asked.filter((a, i) => a === v && written[i])).toHaveLength(1);
      for (const v of views) expect(await readModel.get(v.recordId)).toEqual({ view: v, revision: 0 });
    });

    it('searches by every field, as an AND, forgiving case and phone punctuation', async () => {
      const a = sampleView({ uuid, phone: '+44 20 7946 0000', sync: { status: 'SYNCED', zendeskTicketId: '501' } });
      const b = sampleView({ uuid, phone: null });
      await readModel.upsert({ view: a, revision: 1 });
      await readModel.upsert({ view: b, revision: 0 });
      const ids = async (filter: Record<string, string>) => (await readModel.search(filter, { offset: 0, limit: 10 })).items.map((v) => v.recordId).sort();
      expect(await ids({ uuid })).toEqual([a.recordId, b.recordId].sort());
      expect(await ids({ uuid: uuid.toUpperCase(), udid: a.udid.toLowerCase() })).toEqual([a.recordId]);
      expect(await ids({ email: a.email.toUpperCase() })).toEqual([a.recordId]);
      expect(await ids({ uuid, phone: '+442079460000' })).toEqual([a.recordId]);
      expect(await ids({ ticketId: b.ticketId })).toEqual([b.recordId]);
      expect(await ids({ uuid, zendeskTicketId: '501' })).toEqual([a.recordId]);
      expect(await ids({ uuid, email: b.email })).toEqual([b.recordId]);
      expect(await ids({ udid: a.udid, email: b.email })).toEqual([]);
      expect(await ids({ uuid, phone: 'no digits' })).toEqual([]);
    });

    it('treats filter values as data, never as query syntax', async () => {
      await readModel.upsert({ view: sampleView({ uuid }), revision: 0 });
      for (const value of ["' OR '1'='1", '{"$ne":""}', '.*', '%', '_']) {
        expect((await readModel.search({ email: value }, { offset: 0, limit: 10 })).items).toEqual([]);
      }
    });

    it('pages newest first with a total', async () => {
      const views = [3, 1, 2, 5, 4].map((n) => sampleView({ uuid, requestedAt: 1_700_000_000_000 + n }));
      for (const view of views) await readModel.upsert({ view, revision: 0 });
      const first = await readModel.search({ uuid }, { offset: 0, limit: 2 });
      const second = await readModel.search({ uuid }, { offset: 2, limit: 2 });
      const third = await readModel.search({ uuid }, { offset: 4, limit: 2 });
      expect(first.total).toBe(5);
      expect([...first.items, ...second.items, ...third.items].map((v) => v.requestedAt - 1_700_000_000_000)).toEqual([5, 4, 3, 2, 1]);
    });

    it('counts every match whatever page is asked for', async () => {
      for (let n = 0; n < 3; n++) await readModel.upsert({ view: sampleView({ uuid, requestedAt: 1_700_000_000_000 + n }), revision: 0 });
      const total = async (offset: number, limit: number) => (await readModel.search({ uuid }, { offset, limit })).total;
      expect(await total(0, 10)).toBe(3); // a first page with room to spare
      expect(await total(0, 3)).toBe(3); // exactly full
      expect(await total(2, 10)).toBe(3); // a last page
      expect(await total(10, 10)).toBe(3); // past the end
      expect(await total(0, 0)).toBe(3); // an empty page
      expect((await readModel.search({ uuid: `${uuid}-none` }, { offset: 0, limit: 10 })).total).toBe(0);
    });

    it('reads documents stored before views were versioned (v0) as views, and replaces them on the next write', async (ctx) => {
      if (!storeV0Document) {
        console.warn(`skipped for ${adapterName}: it keeps nothing written by an earlier build`);
        return ctx.skip();
      }
      const recordId = randomUUID();
      // The write side's folded ticket, as v0 builds stored it (extra fields included).
      const v0 = {
        status: 'open' as const,
        ...sampleFields(uuid, recordId),
        files: { LOG: { blobKey: 'logs/k', fileName: 'app.log', contentType: 'text/plain', size: 3, uploadedAt: 2 } },
        sync: { status: 'SYNCED' as const, zendeskTicketId: '601', syncedAt: 3 },
        zendeskStatus: { status: 'OPEN', changedAt: 4 },
        zendeskFiles: ['logs/k'],
      };
      await storeV0Document(v0, 3);
      const expected = {
        ...sampleFields(uuid, recordId),
        schemaVersion: 1,
        files: { LOG: true, FEEDBACK_PHOTO: false },
        ticketStatus: 'OPEN',
        sync: { status: 'SYNCED', zendeskTicketId: '601' },
      };
      expect(await readModel.get(recordId)).toEqual({ view: expected, revision: 3 });
      expect((await readModel.search({ uuid, zendeskTicketId: '601' }, { offset: 0, limit: 10 })).items).toEqual([expected]);
      const next = { ...(expected as TicketView), ticketStatus: 'SOLVED' };
      expect(await readModel.upsert({ view: next, revision: 4 })).toBe(true);
      expect(await readModel.get(recordId)).toEqual({ view: next, revision: 4 });
    });

    describe('search', () => searchContract(() => readModel));
    describe('rebuild', () => rebuildContract(() => readModel));
    describe('erasure', () => erasureContract(() => readModel));
  });
}
