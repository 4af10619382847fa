import { MongoBulkWriteError, type Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { InsertBatcher } from './insert-batcher';

type Doc = { _id: string };

/** A collection whose insertMany records each call and answers what the test says. */
function fakeCollection(answer: (docs: Doc[]) => Promise<void> = async () => {}) {
  const calls: string[][] = [];
  const collection = {
    insertMany: async (docs: Doc[]) => {
      calls.push(docs.map((d) => d._id));
      await answer(docs);
      return { acknowledged: true, insertedCount: docs.length, insertedIds: {} };
    },
  } as unknown as Collection<Doc>;
  return { collection, calls };
}

function bulkError(writeErrors: { index: number; code: number; errmsg: string }[]): MongoBulkWriteError {
  return new MongoBulkWriteError({ message: 'bulk write failed', code: writeErrors[0]?.code, writeErrors } as never, {} as never);
}

describe('InsertBatcher', () => {
  it('sends the first insert at once and those asked meanwhile together', async () => {
    const { collection, calls } = fakeCollection(() => new Promise((r) => setTimeout(r, 10)));
    const batcher = new InsertBatcher(collection);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((_id) => batcher.insert({ _id })));
    expect(results).toEqual([true, true, true, true]);
    expect(calls).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('keeps batches within the limit', async () => {
    const { collection, calls } = fakeCollection(() => new Promise((r) => setTimeout(r, 5)));
    const batcher = new InsertBatcher(collection, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((_id) => batcher.insert({ _id })));
    expect(calls).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('gives each caller its own outcome: duplicate -> false, other failure -> rejected', async () => {
    let calls = 0;
    const { collection } = fakeCollection(async () => {
      // The lead insert stays in flight a moment, so the next three queue into one batch.
      if (++calls === 1) return void (await new Promise((r) => setTimeout(r, 5)));
      throw bulkError([
        { index: 0, code: 11000, errmsg: 'duplicate key' },
        { index: 2, code: 2, errmsg: 'bad value' },
      ]);
    });
    const batcher = new InsertBatcher(collection);
    const lead = batcher.insert({ _id: 'lead' });
    const outcomes = await Promise.allSettled(['dup', 'ok', 'bad'].map((_id) => batcher.insert({ _id })));
    expect(await lead).toBe(true);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: false });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: true });
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { message: 'bad value', code: 2 } });
  });

  it('rejects everyone in a batch whose call failed as a whole, and goes on with the next', async () => {
    let calls = 0;
    const { collection } = fakeCollection(async () => {
      if (++calls === 1) throw new Error('connection reset');
    });
    const batcher = new InsertBatcher(collection);
    await expect(batcher.insert({ _id: 'a' })).rejects.toThrow('connection reset');
    expect(await batcher.insert({ _id: 'b' })).toBe(true);
  });
});
