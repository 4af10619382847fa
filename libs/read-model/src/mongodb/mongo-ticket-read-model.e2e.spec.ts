import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it, vi } from 'vitest';
import { describeWithRealServer, findMongo, runId } from '@support-desk/service-kit/testing';
import { ERASED } from '@support-desk/contracts';
import { personalView, sampleView, ticketReadModelContract } from '../testing';
import { searchKeys } from '../ticket-read-model.port';
import { fromV0Document, type TicketDocumentV0 } from '../ticket-view.v0';
import { MongoTicketReadModel } from './mongo-ticket-read-model';

// One database per run, dropped at the end: reruns never see each other's tickets.
const database = `supportdesk_e2e_${runId()}`;

describeWithRealServer('MongoTicketReadModel', await findMongo(), (endpoint) => {
  // Both ways of searching, on whatever server this is: on FerretDB `native` is correct
  // but slow (ranges and sorts in its memory), on MongoDB `buckets` is correct but needless.
  for (const searchStrategy of ['native', 'buckets'] as const) {
    ticketReadModelContract(`mongodb (${searchStrategy})`, async () => {
      // A collection per test: the contract starts each test from an empty read model.
      const collection = `tickets_${randomUUID().slice(0, 8)}`;
      return {
        readModel: await MongoTicketReadModel.connect({ url: endpoint().url, database, collection, searchStrategy, aliasPollMs: 50 }),
        // The document exactly as builds before versioned views wrote it: the write side's ticket in `doc`.
        storeV0Document: async (doc: TicketDocumentV0, revision: number) => {
          const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
          try {
            const k = searchKeys(fromV0Document(doc));
            // Only the key fields earlier builds had (no status keys, words or time buckets).
            const fields = {
              uuid: k.uuid,
              udid: k.udid,
              email: k.email,
              phone: k.phone,
              ticketId: k.ticketId,
              zendeskTicketId: k.zendeskTicketId,
              revision,
              createdAt: doc.requestedAt,
              doc,
            };
            await client
              .db(database)
              .collection<{ _id: string }>(collection)
              .insertOne({ _id: doc.recordId, ...fields });
          } finally {
            await client.close();
          }
        },
      };
    });
  }

  it('migrates documents of earlier layouts on connect: searchable by the new filters and words, view kept', async () => {
    const collection = `tickets_${randomUUID().slice(0, 8)}`;
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    const layout1 = sampleView({ subject: 'Layout one crash', category: 'Old' });
    const layout2 = sampleView({ message: 'layout two words', sync: { status: 'FAILED', reason: 'x' } });
    try {
      const k1 = searchKeys(layout1);
      const k2 = searchKeys(layout2);
      await client
        .db(database)
        .collection<{ _id: string }>(collection)
        .insertMany([
          // Layout 1: the six keys, the view as an object.
          {
            _id: layout1.recordId,
            uuid: k1.uuid,
            udid: k1.udid,
            email: k1.email,
            phone: k1.phone,
            ticketId: k1.ticketId,
            zendeskTicketId: k1.zendeskTicketId,
            revision: 1,
            createdAt: layout1.requestedAt,
            doc: layout1,
          },
          // Layout 2: every key, words and buckets in the ticket, the view as an object.
          { _id: layout2.recordId, ...k2, revision: 2, createdAt: layout2.requestedAt, words: ['layout', 'two', 'words'], tb: [], doc: layout2 },
        ] as never[]);
      for (const searchStrategy of ['buckets', 'native'] as const) {
        const readModel = await MongoTicketReadModel.connect({ url: endpoint().url, database, collection, searchStrategy });
        try {
          expect(await readModel.get(layout1.recordId)).toEqual({ view: layout1, revision: 1 });
          expect((await readModel.search({ q: 'crash layout', category: 'OLD' }, { offset: 0, limit: 5 })).items).toEqual([layout1]);
          expect((await readModel.search({ syncStatus: 'FAILED', q: 'two' }, { offset: 0, limit: 5 })).items).toEqual([layout2]);
        } finally {
          await readModel.close();
        }
      }
      const stored = await client.db(database).collection<{ _id: string; doc: unknown; words?: unknown }>(collection).findOne({ _id: layout2.recordId });
      expect(typeof stored?.doc).toBe('string');
      expect(stored?.words).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  // Without transactions, another process's write that looked for the marker before it
  // existed can land after the first anonymisation: the second one (after every process
  // reloaded the markers) must catch it, and later writes there see the marker.
  it("an erasure in one process wins over another process writing the subject's views at the same time", async () => {
    const collection = `tickets_${randomUUID().slice(0, 8)}`;
    const connect = () => MongoTicketReadModel.connect({ url: endpoint().url, database, collection, aliasPollMs: 300 });
    const eraser = await connect();
    const projector = await connect();
    const uuid = randomUUID();
    try {
      const first = personalView(uuid);
      await projector.upsert({ view: first, revision: 0 });
      const erasing = eraser.eraseSubject(uuid);
      // Right after the first anonymisation, before this process reloads the markers (every
      // 300 ms): events decrypted before the key was deleted, projected here meanwhile.
      await vi.waitFor(async () => expect((await eraser.get(first.recordId))!.view.uuid).toBe(ERASED), { timeout: 5_000, interval: 5 });
      const racing = [personalView(uuid), personalView(uuid)];
      await projector.upsert({ view: { ...first, ticketStatus: 'open' }, revision: 1 });
      for (const view of racing) await projector.upsert({ view, revision: 0 });
      // Each counted once, by whichever anonymised it: this erasure, or the write that already saw the marker.
      const changed = await erasing;
      expect(changed).toBeGreaterThanOrEqual(1);
      expect(changed).toBeLessThanOrEqual(3);
      for (const view of [first, ...racing]) {
        expect((await eraser.get(view.recordId))!.view).toMatchObject({ uuid: ERASED, email: ERASED, message: ERASED });
        expect((await projector.search({ email: view.email }, { offset: 0, limit: 5 })).items).toEqual([]);
      }
      // FerretDB 1.x applies an update by reading and rewriting the document, so the erasure's
      // rewrite may undo the racing status change (seen once): stale until the ticket's next
      // event, never personal again.
      expect([0, 1]).toContain((await eraser.get(first.recordId))!.revision);
      // The other process knows the subject is erased now: a later write is anonymised on the way in.
      const late = personalView(uuid);
      await projector.upsert({ view: late, revision: 0 });
      expect((await eraser.get(late.recordId))!.view.email).toBe(ERASED);
    } finally {
      await eraser.close();
      await projector.close();
    }
  });

  // infra/local's FerretDB stores in PostgreSQL, whose btree indexes cannot answer the
  // `@>` filters FerretDB sends; ferretdb-gin-indexes.sql adds GIN indexes that can.
  // Without them every search and write scans the whole collection.
  it('searches through an index on FerretDB over PostgreSQL, not by scanning', async (ctx) => {
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    const collection = `tickets_${randomUUID().slice(0, 8)}`;
    const readModel = await MongoTicketReadModel.connect({ url: endpoint().url, database, collection });
    try {
      const buildInfo = await client.db('admin').command({ buildInfo: 1 });
      const tickets = Array.from({ length: 1000 }, (_, i) => sampleView({ requestedAt: 1_700_000_000_000 + i * 600_000 }));
      await Promise.all(tickets.map((view) => readModel.upsert({ view, revision: 0 })));
      const explain = await client.db(database).command({ explain: { find: collection, filter: { ticketId: { $eq: tickets[7]!.ticketId } } } });
      if (!buildInfo.ferretdbVersion || !JSON.stringify(explain.queryPlanner ?? {}).includes('"Node Type"')) {
        console.warn(`skipped: ${endpoint().url} is not FerretDB over PostgreSQL (no PostgreSQL plan to check)`);
        return ctx.skip();
      }
      // A key's find, a walk's probe (time bucket and a status), free text's probe of the words collection.
      for (const query of [{ ticketId: tickets[7]!.ticketId }, { syncStatus: 'PENDING' as const }, {}, { q: 'crashes', category: 'crash' }]) {
        for (const page of [
          { offset: 0, limit: 20 },
          { after: { createdAt: tickets[500]!.requestedAt, recordId: tickets[500]!.recordId }, limit: 20 },
        ]) {
          const plan = (await readModel.explainSearch(query, page)).join('\n');
          expect(plan, JSON.stringify(query)).not.toContain('Seq Scan');
          expect(plan, JSON.stringify(query)).toMatch(/Index Scan/);
        }
      }
    } finally {
      await readModel.close();
      await client.close();
    }
  });

  afterAll(async () => {
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  });
});
