import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenTicket } from '@support-desk/ticket-domain';
import type { TicketReadModel } from '../ticket-read-model.port';

export type TicketReadModelFactory = () => Promise<{ readModel: TicketReadModel; cleanup?: () => Promise<void> }>;

export function sampleTicket(overrides: Partial<OpenTicket> = {}): OpenTicket {
  return {
    status: 'open',
    recordId: randomUUID(),
    ticketId: randomUUID(),
    uuid: randomUUID(),
    udid: randomUUID().toUpperCase(),
    subject: 'App crashes',
    message: 'It crashes on start',
    email: `user-${randomUUID().slice(0, 8)}@example.com`,
    name: 'Ada',
    category: 'crash',
    phone: '+44 20 7946 0000',
    images: [],
    requestedAt: 1_700_000_000_000,
    files: {},
    sync: { status: 'PENDING' },
    ...overrides,
  };
}

/** The behaviour every TicketReadModel adapter must show. */
export function ticketReadModelContract(adapterName: string, factory: TicketReadModelFactory): void {
  describe(`TicketReadModel contract: ${adapterName}`, () => {
    let readModel: TicketReadModel;
    let cleanup: (() => Promise<void>) | undefined;
    // Each test searches under its own user so a shared server's older data can't interfere.
    let uuid: string;

    beforeEach(async () => {
      ({ readModel, cleanup } = await factory());
      uuid = randomUUID();
    });
    afterEach(async () => {
      await readModel.close();
      await cleanup?.();
    });

    it('stores a view and reads it back', async () => {
      const ticket = sampleTicket({ uuid });
      expect(await readModel.upsert({ ticket, revision: 0 })).toBe(true);
      expect(await readModel.get(ticket.recordId)).toEqual({ ticket, revision: 0 });
      expect(await readModel.get(randomUUID())).toBeNull();
    });

    it('never moves a view backwards: same or older revisions are ignored', async () => {
      const ticket = sampleTicket({ uuid });
      await readModel.upsert({ ticket, revision: 2 });
      const older = { ...ticket, subject: 'older' };
      expect(await readModel.upsert({ ticket: older, revision: 1 })).toBe(false);
      expect(await readModel.upsert({ ticket: older, revision: 2 })).toBe(false);
      expect((await readModel.get(ticket.recordId))?.ticket.subject).toBe('App crashes');
      const newer = { ...ticket, sync: { status: 'SYNCED' as const, zendeskTicketId: '77', syncedAt: 1 } };
      expect(await readModel.upsert({ ticket: newer, revision: 3 })).toBe(true);
      expect((await readModel.get(ticket.recordId))?.revision).toBe(3);
    });

    it('refuses a first revision over any stored one (a redelivered first event)', async () => {
      const ticket = sampleTicket({ uuid });
      expect(await readModel.upsert({ ticket, revision: 0 })).toBe(true);
      expect(await readModel.upsert({ ticket: { ...ticket, subject: 'again' }, revision: 0 })).toBe(false);
      const later = sampleTicket({ uuid });
      await readModel.upsert({ ticket: later, revision: 2 });
      expect(await readModel.upsert({ ticket: { ...later, subject: 'replayed' }, revision: 0 })).toBe(false);
      expect(await readModel.get(ticket.recordId)).toEqual({ ticket, revision: 0 });
      expect(await readModel.get(later.recordId)).toEqual({ ticket: later, revision: 2 });
    });

    it('stores concurrent first revisions each once, refusing the duplicates among them', async () => {
      const tickets = Array.from({ length: 12 }, () => sampleTicket({ uuid }));
      const asked = [...tickets, ...tickets.slice(0, 4)]; // four asked twice, as a redelivery racing the first
      const written = await Promise.all(asked.map((ticket) => readModel.upsert({ ticket, revision: 0 })));
      for (const t of tickets) expect(asked.filter((a, i) => a === t && written[i])).toHaveLength(1);
      for (const t of tickets) expect(await readModel.get(t.recordId)).toEqual({ ticket: t, revision: 0 });
    });

    it('searches by every field, as an AND, forgiving case and phone punctuation', async () => {
      const a = sampleTicket({ uuid, phone: '+44 20 7946 0000', sync: { status: 'SYNCED', zendeskTicketId: '501', syncedAt: 1 } });
      const b = sampleTicket({ uuid, phone: null });
      await readModel.upsert({ ticket: a, revision: 1 });
      await readModel.upsert({ ticket: b, revision: 0 });
      const ids = async (filter: Record<string, string>) =>
        (await readModel.search(filter, { offset: 0, limit: 10 })).items.map((t) => t.recordId).sort();
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
      await readModel.upsert({ ticket: sampleTicket({ uuid }), revision: 0 });
      for (const value of ["' OR '1'='1", '{"$ne":""}', '.*', '%', '_']) {
        expect((await readModel.search({ email: value }, { offset: 0, limit: 10 })).items).toEqual([]);
      }
    });

    it('pages newest first with a total', async () => {
      const tickets = [3, 1, 2, 5, 4].map((n) => sampleTicket({ uuid, requestedAt: 1_700_000_000_000 + n }));
      for (const t of tickets) await readModel.upsert({ ticket: t, revision: 0 });
      const first = await readModel.search({ uuid }, { offset: 0, limit: 2 });
      const second = await readModel.search({ uuid }, { offset: 2, limit: 2 });
      const third = await readModel.search({ uuid }, { offset: 4, limit: 2 });
      expect(first.total).toBe(5);
      expect([...first.items, ...second.items, ...third.items].map((t) => t.requestedAt - 1_700_000_000_000)).toEqual([5, 4, 3, 2, 1]);
    });

    it('counts every match whatever page is asked for', async () => {
      for (let n = 0; n < 3; n++) await readModel.upsert({ ticket: sampleTicket({ uuid, requestedAt: 1_700_000_000_000 + n }), revision: 0 });
      const total = async (offset: number, limit: number) => (await readModel.search({ uuid }, { offset, limit })).total;
      expect(await total(0, 10)).toBe(3); // a first page with room to spare
      expect(await total(0, 3)).toBe(3); // exactly full
      expect(await total(2, 10)).toBe(3); // a last page
      expect(await total(10, 10)).toBe(3); // past the end
      expect(await total(0, 0)).toBe(3); // an empty page
      expect((await readModel.search({ uuid: `${uuid}-none` }, { offset: 0, limit: 10 })).total).toBe(0);
    });
  });
}
