import { describe, expect, it } from 'vitest';
import { ticketStreamId } from '@support-desk/contracts';
import type { RecordedEvent } from '@support-desk/event-store';
import type { StoredTicketView, TicketReadModelRebuild } from '@support-desk/read-model';
import { RebuildFolder } from './rebuild-folder';
import { history } from './rebuild-test-histories';

/** A copy whose writes commit only when the test says so; it records what was written and read back. */
function slowCopy() {
  const rows = new Map<string, StoredTicketView>();
  const commits: (() => void)[] = [];
  const log = { writes: 0, inFlight: 0, mostInFlight: 0, gets: [] as string[] };
  const copy: TicketReadModelRebuild = {
    get: async (recordId) => (log.gets.push(recordId), rows.get(recordId) ?? null),
    write: (batch) => {
      log.writes++;
      log.mostInFlight = Math.max(log.mostInFlight, ++log.inFlight);
      return new Promise((resolve) =>
        commits.push(() => {
          for (const { stored } of batch) rows.set(stored.view.recordId, stored);
          log.inFlight--;
          resolve();
        }),
      );
    },
    swap: async () => undefined,
    discard: async () => undefined,
  };
  const commitAll = () => commits.splice(0).forEach((commit) => commit());
  return { copy, rows, log, commitAll };
}

function recorded(n: number): RecordedEvent[] {
  return history(n).map((event, revision) => ({
    id: `${n}-${revision}`,
    streamId: ticketStreamId(event.data.recordId),
    type: event.type,
    data: event.data,
    metadata: {},
    revision,
    position: '0',
    recordedAt: 0,
  }));
}

describe('RebuildFolder: one batch written while the next is folded', () => {
  it('folds on while a batch is written, keeps one batch in flight, and never reads back a view not yet committed', async () => {
    const { copy, rows, log, commitAll } = slowCopy();
    const folder = new RebuildFolder(copy, 2, 0); // flush 2 views once 4 wait; keep no written view in memory
    const tickets = Array.from({ length: 6 }, (_, n) => recorded(n));
    // Every ticket's first event: the 4th starts a write, which does not commit yet.
    for (const events of tickets.slice(0, 4)) await folder.apply(events[0]!);
    expect(log.writes).toBe(1);
    // The fold goes on meanwhile: a written view's later event is folded from memory, not read back.
    await folder.apply(tickets[0]![1]!);
    expect(log.gets).toEqual([]);
    // A flush due now waits for the first batch to commit before it starts the next one.
    const next = folder.apply(tickets[4]![0]!);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.writes).toBe(1);
    commitAll();
    await next;
    expect(log.writes).toBe(2);
    let drained = false;
    const draining = folder.drain().then(() => (drained = true));
    while (!drained) {
      commitAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await draining;
    expect(log.mostInFlight).toBe(1);
    // Every view written, at its latest revision.
    expect(tickets.slice(0, 5).map((events) => rows.get(events[0]!.data.recordId as string)?.revision)).toEqual([1, 0, 0, 0, 0]);
  });

  it('surfaces a failed write at the next flush', async () => {
    const copy: TicketReadModelRebuild = {
      get: async () => null,
      write: async () => {
        throw new Error('disk full');
      },
      swap: async () => undefined,
      discard: async () => undefined,
    };
    const folder = new RebuildFolder(copy, 1, 0);
    const tickets = Array.from({ length: 4 }, (_, n) => recorded(n));
    await folder.apply(tickets[0]![0]!);
    await folder.apply(tickets[1]![0]!); // starts the write that fails
    await expect(folder.drain()).rejects.toThrow('disk full');
  });
});
