import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import type { MongoTicketCollection } from './mongo-ticket-collection';
import { toDocumentFields, toWordsDocument, viewOf, type TicketDocument, type WordsDocument } from './ticket-document';

const DUPLICATE_KEY = 11000;

/**
 * Documents of earlier layouts (the view as an object; before free text and the
 * status filters no status keys or time buckets; layout 2 kept the words in the
 * ticket) get the current fields, computed from their view, and their words
 * document. Runs once per read model (connect() records the layout in
 * `read_models`); each update is guarded by the revision read, so a newer write
 * that raced it is kept.
 */
export async function migrateDocuments(collection: MongoTicketCollection, batchSize = 500): Promise<number> {
  const cursor = collection.tickets.find({}, { projection: { doc: 1, revision: 1 }, batchSize });
  let migrated = 0;
  let updates: AnyBulkWriteOperation<TicketDocument>[] = [];
  let words: WordsDocument[] = [];
  const flush = async () => {
    await collection.registerBlocks(words.map((w) => w.createdAt));
    if (words.length) await insertMissing(collection, words);
    if (updates.length) await collection.tickets.bulkWrite(updates, { ordered: false });
    migrated += updates.length;
    updates = [];
    words = [];
  };
  for await (const found of cursor) {
    if (typeof found.doc === 'string') continue; // already in this layout
    const view = viewOf(found);
    updates.push({
      updateOne: {
        filter: { _id: found._id, revision: found.revision },
        update: { $set: toDocumentFields({ view, revision: found.revision }), $unset: { words: '' } },
      },
    });
    words.push(toWordsDocument(view));
    if (updates.length >= batchSize) await flush();
  }
  await flush();
  return migrated;
}

async function insertMissing(collection: MongoTicketCollection, documents: WordsDocument[]): Promise<void> {
  try {
    await collection.words.insertMany(documents, { ordered: false });
  } catch (error) {
    const raw = error instanceof MongoBulkWriteError ? (error.writeErrors as unknown) : undefined;
    const failures = (Array.isArray(raw) ? raw : raw ? [raw] : []) as { code?: number }[];
    if (failures.length === 0 || failures.some((f) => f.code !== DUPLICATE_KEY)) throw error;
  }
}
