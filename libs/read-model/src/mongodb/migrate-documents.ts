import type { AnyBulkWriteOperation } from 'mongodb';
import { readStoredView } from '../ticket-view';
import type { MongoTicketCollection } from './mongo-ticket-collection';
import { toDocumentFields, type TicketDocument } from './ticket-document';

/**
 * Documents written before free text and the status filters (no `tb`, `words`,
 * status or category keys) get those fields, computed from their `doc`. Runs once
 * per read model (connect() records the layout in `read_models`); each update is
 * guarded by the revision read, so a newer write that raced it is kept.
 */
export async function migrateDocuments(collection: MongoTicketCollection, batchSize = 500): Promise<number> {
  const cursor = collection.tickets.find({ tb: { $exists: false } }, { projection: { doc: 1, revision: 1 }, batchSize });
  let migrated = 0;
  let batch: AnyBulkWriteOperation<TicketDocument>[] = [];
  const flush = async () => {
    if (batch.length) await collection.tickets.bulkWrite(batch, { ordered: false });
    migrated += batch.length;
    batch = [];
  };
  for await (const found of cursor) {
    const stored = { view: readStoredView(found.doc), revision: found.revision };
    const { doc: _unchanged, ...fields } = toDocumentFields(stored);
    // `doc` stays as written (an older shape is still read by readStoredView).
    batch.push({ updateOne: { filter: { _id: found._id, revision: found.revision }, update: { $set: fields } } });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return migrated;
}
