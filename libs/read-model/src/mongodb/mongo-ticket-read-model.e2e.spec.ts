import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { describeWithRealServer, findMongo, runId } from '@support-desk/service-kit/testing';
import { sampleView, ticketReadModelContract } from '../testing';
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

  // infra/local's FerretDB stores in PostgreSQL, whose btree indexes cannot answer the
  // `@>` filters FerretDB sends; ferretdb-gin-indexes.sql adds GIN indexes that can.
  // Without them every search and write scans the whole collection.
  it('searches through an index on FerretDB over PostgreSQL, not by scanning', async (ctx) => {
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    try {
      const buildInfo = await client.db('admin').command({ buildInfo: 1 });
      const readModel = await MongoTicketReadModel.connect({ url: endpoint().url, database });
      const tickets = Array.from({ length: 1000 }, () => sampleView({}));
      await Promise.all(tickets.map((view) => readModel.upsert({ view, revision: 0 })));
      await readModel.close();
      const explain = await client.db(database).command({ explain: { find: 'tickets', filter: { ticketId: { $eq: tickets[7]!.ticketId } } } });
      const plan = JSON.stringify(explain.queryPlanner ?? {});
      if (!buildInfo.ferretdbVersion || !plan.includes('"Node Type"')) {
        console.warn(`skipped: ${endpoint().url} is not FerretDB over PostgreSQL (no PostgreSQL plan to check)`);
        return ctx.skip();
      }
      expect(plan).not.toContain('Seq Scan');
    } finally {
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
