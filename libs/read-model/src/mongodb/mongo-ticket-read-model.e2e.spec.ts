import { MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { describeWithRealServer, findMongo, runId } from '@support-desk/service-kit/testing';
import { ticketReadModelContract } from '../testing';
import { MongoTicketReadModel } from './mongo-ticket-read-model';

// One database per run, dropped at the end: reruns never see each other's tickets.
const database = `supportdesk_e2e_${runId()}`;

describeWithRealServer('MongoTicketReadModel', await findMongo(), (endpoint) => {
  ticketReadModelContract('mongodb', async () => ({
    readModel: await MongoTicketReadModel.connect({ url: endpoint().url, database }),
  }));

  afterAll(async () => {
    const client = new MongoClient(endpoint().url, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  });
});
