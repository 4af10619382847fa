import { MongoBulkWriteError, type Collection, type OptionalUnlessRequiredId } from 'mongodb';

const DUPLICATE_KEY = 11000;

type Pending<T> = { doc: T; resolve: (inserted: boolean) => void; reject: (error: unknown) => void };

/**
 * Inserts documents in as few round trips as the load allows: the first insert
 * goes out at once, inserts asked for while it is in flight wait and go out
 * together in one `insertMany` when it returns. No timer, so nothing waits at
 * low load; under load a batch costs about one insert (measured on FerretDB 1.24
 * over PostgreSQL: 1.1 ms per insertOne, 0.14 ms per document in batches of 20).
 *
 * Each caller learns its own outcome: true when inserted, false when the `_id`
 * was already there (11000), rejected on any other failure.
 */
export class InsertBatcher<T extends { _id: string }> {
  private queue: Pending<T>[] = [];
  private flushing = false;

  constructor(
    private readonly collection: Collection<T>,
    private readonly maxBatch = 500,
  ) {}

  insert(doc: T): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Settles every caller of the batch; never throws. */
  private async write(batch: Pending<T>[]): Promise<void> {
    try {
      // Unordered: one duplicate does not stop the documents after it.
      await this.collection.insertMany(
        batch.map((p) => p.doc as OptionalUnlessRequiredId<T>),
        { ordered: false },
      );
      for (const p of batch) p.resolve(true);
    } catch (error) {
      const failures = error instanceof MongoBulkWriteError ? writeErrorsByIndex(error) : undefined;
      batch.forEach((p, index) => {
        if (!failures) return p.reject(error); // the whole call failed: nothing known written
        const failure = failures.get(index);
        if (!failure) p.resolve(true);
        else if (failure.code === DUPLICATE_KEY) p.resolve(false);
        else p.reject(Object.assign(new Error(failure.errmsg ?? 'insert failed'), { code: failure.code }));
      });
    }
  }
}

type WriteFailure = { index: number; code?: number; errmsg?: string };

function writeErrorsByIndex(error: MongoBulkWriteError): Map<number, WriteFailure> | undefined {
  // The driver gives one object or an array, depending on how many failed.
  const raw = error.writeErrors as unknown;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as WriteFailure[];
  // A bulk error without per-document errors (e.g. a write concern failure) says nothing per document.
  if (list.length === 0) return undefined;
  return new Map(list.map((f) => [f.index, f]));
}
