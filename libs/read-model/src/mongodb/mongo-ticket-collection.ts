import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type Document } from 'mongodb';
import { searchKeys } from '../ticket-read-model.port';
import type { StoredTicketView } from '../ticket-view';
import { anonymiseView, isErasedView } from '../ticket-view-erasure';
import { InsertBatcher } from './insert-batcher';
import { blockOf } from './time-buckets';
import { BUCKET_INDEX, INDEXES, WORDS_INDEXES, toDocumentFields, toWordsDocument, viewOf, type TicketDocument, type WordsDocument } from './ticket-document';

const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;
/** Rounds of find-and-anonymise before an erasure gives up on views that writers keep changing. */
const ERASE_ROUNDS = 20;
/** How long a read of the block directory is reused; what this process wrote is known at once. */
const BLOCKS_TTL_MS = 1_000;
/** How often a block's newest creation date is brought up to date in the directory. */
const NEWEST_FLUSH_MS = 500;

export type BlockEntry = { block: number; newest: number };

/**
 * One tickets collection (the live one, or a rebuild's copy), its words
 * `<name>_words` (ticket-document.ts) and its block directory `<name>_blocks`: one document per 64-day block holding tickets
 * (time-buckets.ts) with its newest creation date, so the bucket walk knows
 * where tickets start and end and skips empty stretches. A block is registered
 * before the first ticket in it is written; its newest date follows within
 * NEWEST_FLUSH_MS (`$max`, so writers in any order agree).
 */
export class MongoTicketCollection {
  readonly tickets: Collection<TicketDocument>;
  readonly words: Collection<WordsDocument>;
  private readonly blocks: Collection<{ _id: number; newest: number }>;
  private readonly inserts: InsertBatcher<TicketDocument>;
  private readonly wordInserts: InsertBatcher<WordsDocument>;
  /** Block → newest creation date written by this process; `flushed` is what the directory has of it. */
  private readonly written = new Map<number, number>();
  private readonly flushed = new Map<number, number>();
  private readonly registering = new Map<number, Promise<void>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private cachedBlocks: { at: number; list: BlockEntry[] } | undefined;

  constructor(
    db: Db,
    readonly name: string,
  ) {
    this.tickets = db.collection<TicketDocument>(name);
    this.words = db.collection<WordsDocument>(`${name}_words`);
    this.blocks = db.collection<{ _id: number; newest: number }>(`${name}_blocks`);
    this.inserts = new InsertBatcher(this.tickets);
    this.wordInserts = new InsertBatcher(this.words);
  }

  async get(recordId: string): Promise<StoredTicketView | null> {
    // A plain `{_id: value}` (not `$eq`): FerretDB 1.x pushes only that form down to
    // its primary key (1.7 ms vs 8 ms at 3,000 documents). recordId is ours, a string.
    if (typeof recordId !== 'string') throw new TypeError('recordId must be a string');
    const found = await this.tickets.findOne({ _id: recordId }, { projection: { doc: 1, revision: 1 } });
    return found ? { view: viewOf(found), revision: found.revision } : null;
  }

  /**
   * The filter matches only an older revision. When the stored one is the same or
   * newer, nothing matches, the upsert tries to insert a second document with the
   * same `_id` and the server refuses it (11000): that refusal is the "not written".
   */
  async upsert(stored: StoredTicketView): Promise<boolean> {
    const _id = stored.view.recordId;
    // Plain equality on _id (our own string, not client input) so the upsert seeds the new document's _id.
    if (typeof _id !== 'string') throw new TypeError('view.recordId must be a string');
    await this.registerBlocks([stored.view.requestedAt]);
    try {
      if (stored.revision === 0) {
        // Nothing can be older than a stream's first event, so a plain insert says the
        // same as the guarded upsert, and inserts batch: on FerretDB 1.24 an upsert costs
        // 2.5 ms, an insert 1.1 ms, a batched insert 0.14 ms per document. The words go
        // in beside it; a failure of either fails the write, and the retry completes both.
        const [inserted] = await Promise.all([this.inserts.insert({ _id, ...toDocumentFields(stored) }), this.insertWords(stored)]);
        return inserted;
      }
      const result = await this.tickets.updateOne({ _id, revision: { $lt: stored.revision } }, { $set: toDocumentFields(stored) }, { upsert: true });
      if (result.upsertedCount > 0)
        await this.insertWords(stored); // a first view at a later revision (a rebuild's catch-up)
      else if (result.modifiedCount > 0 && isErasedView(stored.view)) await this.words.deleteOne({ _id }); // erased by this write
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** A rebuild's batch: new views inserted together, the others as guarded upserts in one bulk write. */
  async writeBatch(batch: readonly { stored: StoredTicketView; isNew: boolean }[]): Promise<void> {
    if (batch.length === 0) return;
    await this.registerBlocks(batch.map((b) => b.stored.view.requestedAt));
    const fresh = batch.filter((b) => b.isNew).map((b) => b.stored);
    const again: StoredTicketView[] = batch.filter((b) => !b.isNew).map((b) => b.stored);
    if (fresh.length) {
      await insertIgnoringDuplicates(
        this.words,
        fresh.map((stored) => toWordsDocument(stored.view)),
      );
      try {
        await this.tickets.insertMany(
          fresh.map((stored) => ({ _id: stored.view.recordId, ...toDocumentFields(stored) })),
          { ordered: false },
        );
      } catch (error) {
        // Already there after all (a resumed batch): those go through the guarded path.
        if (!(error instanceof MongoBulkWriteError) || !duplicatesOnly(error)) throw error;
        const failed = new Set(writeErrors(error).map((e) => e.index));
        fresh.forEach((stored, index) => failed.has(index) && again.push(stored));
      }
    }
    if (!again.length) return;
    const updates: AnyBulkWriteOperation<TicketDocument>[] = again.map((stored) => ({
      updateOne: { filter: { _id: stored.view.recordId, revision: { $lt: stored.revision } }, update: { $set: toDocumentFields(stored) }, upsert: true },
    }));
    try {
      await this.tickets.bulkWrite(updates, { ordered: false });
    } catch (error) {
      // 11000: the stored revision is the same or newer (see upsert).
      if (!(error instanceof MongoBulkWriteError) || !duplicatesOnly(error)) throw error;
    }
    const erased = again.filter((stored) => isErasedView(stored.view)).map((stored) => stored.view.recordId);
    if (erased.length) await this.words.deleteMany({ _id: { $in: erased } });
  }

  /**
   * Anonymises every view whose uuid key is `uuidKey` (normalized) and drops its
   * words; the record ids of those changed. Each update is guarded by the
   * revision it read: a write that landed in between is read again.
   */
  async eraseUuidKey(uuidKey: string): Promise<string[]> {
    const changed: string[] = [];
    for (let round = 0; round < ERASE_ROUNDS; round++) {
      const found = await this.tickets.find({ uuid: { $eq: uuidKey } }, { projection: { doc: 1, revision: 1 } }).toArray();
      if (found.length === 0) return changed;
      for (const document of found) {
        const view = anonymiseView(viewOf(document));
        const result = await this.tickets.updateOne(
          { _id: document._id, revision: document.revision },
          { $set: { ...searchKeys(view), doc: JSON.stringify(view) } },
        );
        if (result.modifiedCount > 0) {
          await this.words.deleteOne({ _id: document._id });
          changed.push(document._id);
        }
      }
    }
    throw new Error(`Erasing a subject in ${this.name}: its views kept changing under ${ERASE_ROUNDS} rounds of anonymisation`);
  }

  /** The distinct uuid keys of the collection (a rebuild's copy, to find subjects erased while it was filled). */
  async uuidKeys(): Promise<string[]> {
    return ((await this.tickets.distinct('uuid')) as string[]).filter((k) => k !== '');
  }

  /** Blocks that hold tickets, with their newest creation date; newest first. */
  async blockList(): Promise<BlockEntry[]> {
    const now = Date.now();
    if (!this.cachedBlocks || now - this.cachedBlocks.at > BLOCKS_TTL_MS) {
      const list = (await this.blocks.find({}).toArray()).map((b) => ({ block: b._id, newest: b.newest }));
      this.cachedBlocks = { at: now, list };
    }
    const merged = new Map(this.cachedBlocks.list.map((b) => [b.block, b.newest]));
    for (const [block, newest] of this.written) merged.set(block, Math.max(merged.get(block) ?? -Infinity, newest));
    return [...merged].map(([block, newest]) => ({ block, newest })).sort((a, b) => b.block - a.block);
  }

  /** Creates the missing indexes (with the bucket indexes when searches walk buckets). */
  async ensureIndexes(withBuckets: boolean): Promise<void> {
    await ensureIndexes(this.tickets, withBuckets ? [...INDEXES, BUCKET_INDEX] : INDEXES);
    await ensureIndexes(this.words, withBuckets ? [...WORDS_INDEXES, BUCKET_INDEX] : WORDS_INDEXES);
  }

  /** Words are written once, with a ticket's first view; already there (a redelivery) is fine. */
  private async insertWords(stored: StoredTicketView): Promise<void> {
    await this.wordInserts.insert(toWordsDocument(stored.view));
  }

  async drop(): Promise<void> {
    this.stop();
    const drops: (() => Promise<boolean>)[] = [() => this.tickets.drop(), () => this.words.drop(), () => this.blocks.drop()];
    for (const drop of drops) {
      await drop().catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
      });
    }
  }

  /** Writes what the directory is missing now, and stops the timer. */
  async close(): Promise<void> {
    this.stop();
    await this.flushNewest();
  }

  private stop(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /**
   * Records the blocks of tickets about to be written (migrations, and every write
   * here). A block seen for the first time is in the directory before its first ticket
   * (a walk never misses a written ticket for want of its block); a later, newer
   * creation date follows on a timer.
   */
  async registerBlocks(createdAts: readonly number[]): Promise<void> {
    for (const createdAt of createdAts) {
      const block = blockOf(createdAt);
      let first = this.registering.get(block);
      if (!first) {
        first = this.recordNewest(block, createdAt);
        this.registering.set(block, first);
        first.catch(() => this.registering.delete(block)); // tried again by the next write
      }
      await first;
      this.written.set(block, Math.max(this.written.get(block) ?? -Infinity, createdAt));
    }
    const behind = [...this.written].some(([block, newest]) => (this.flushed.get(block) ?? -Infinity) < newest);
    if (behind && !this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flushNewest().catch(() => undefined), NEWEST_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  private async flushNewest(): Promise<void> {
    this.flushTimer = undefined;
    for (const [block, newest] of this.written) if ((this.flushed.get(block) ?? -Infinity) < newest) await this.recordNewest(block, newest);
  }

  private async recordNewest(block: number, newest: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.blocks.updateOne({ _id: block }, { $max: { newest } }, { upsert: true });
        this.flushed.set(block, Math.max(this.flushed.get(block) ?? -Infinity, newest));
        return;
      } catch (error) {
        // Two writers creating the same block's entry at once: the loser updates it.
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY) || attempt > 0) throw error;
      }
    }
  }
}

/**
 * Creates the missing indexes one by one. One createIndexes call listing indexes
 * that all exist already drops the connection on FerretDB 1.24 (a server-side
 * panic), so a restart would fail; single-index calls are idempotent everywhere.
 */
async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: typeof INDEXES): Promise<void> {
  const listed = await collection
    .listIndexes()
    .toArray()
    .catch((error: unknown) => {
      if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return []; // no collection yet
      throw error;
    });
  const existing = new Set(listed.map((i: { name?: string }) => i.name));
  for (const index of indexes) if (!existing.has(index.name)) await collection.createIndex(index.key, { name: index.name });
}

type WriteFailure = { index: number; code?: number };

function writeErrors(error: MongoBulkWriteError): WriteFailure[] {
  // The driver gives one object or an array, depending on how many failed.
  const raw = error.writeErrors as unknown;
  return (Array.isArray(raw) ? raw : raw ? [raw] : []) as WriteFailure[];
}

function duplicatesOnly(error: MongoBulkWriteError): boolean {
  const failures = writeErrors(error);
  return failures.length > 0 && failures.every((f) => f.code === DUPLICATE_KEY);
}

async function insertIgnoringDuplicates(collection: Collection<WordsDocument>, documents: WordsDocument[]): Promise<void> {
  try {
    await collection.insertMany(documents, { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError) || !duplicatesOnly(error)) throw error;
  }
}
