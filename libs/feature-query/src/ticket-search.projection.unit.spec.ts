import { describe, expect, it } from 'vitest';
import type { BusMessage } from '@support-desk/event-bus';
import { ticketMessage } from '@support-desk/event-bus/testing';
import { InMemoryTicketReadModel, type StoredTicketView } from '@support-desk/read-model';
import { RecentViews } from './recent-views';
import { projectTicketEvent, TicketSearchProjection } from './ticket-search.projection';

function at(message: BusMessage, revision: number, recordId: string): BusMessage {
  return { ...message, event: { ...message.event, revision, data: { ...message.event.data, recordId } } };
}

describe('ticket search projection', () => {
  it('folds events into the read model and ignores redeliveries', async () => {
    const readModel = new InMemoryTicketReadModel();
    const requested = at(ticketMessage('t-1', 'TicketRequested'), 0, 'r-1');
    const synced = at(ticketMessage('t-1', 'TicketSynced', { zendeskTicketId: '77' }), 1, 'r-1');
    await projectTicketEvent(readModel, requested);
    await projectTicketEvent(readModel, synced);
    await projectTicketEvent(readModel, requested); // redelivered: must not reset the sync
    await projectTicketEvent(readModel, synced);
    const stored = await readModel.get('r-1');
    expect(stored?.revision).toBe(1);
    expect(stored?.view.sync).toMatchObject({ status: 'SYNCED', zendeskTicketId: '77' });
    expect((await readModel.search({ zendeskTicketId: '77' }, { offset: 0, limit: 5 })).total).toBe(1);
  });

  it('refuses (so the bus retries) an event whose ticket it has not seen', async () => {
    const readModel = new InMemoryTicketReadModel();
    await expect(projectTicketEvent(readModel, at(ticketMessage('t-2', 'TicketSynced'), 1, 'r-2'))).rejects.toThrow(/No projected ticket/);
  });

  it('skips event types it does not know', async () => {
    const readModel = new InMemoryTicketReadModel();
    await projectTicketEvent(readModel, at(ticketMessage('t-3', 'SomethingNew'), 0, 'r-3'));
    expect(await readModel.get('r-3')).toBeNull();
  });
});

describe('TicketSearchProjection (with recent views)', () => {
  /** Counts the reads the projection makes, and can fail the next write. */
  class CountingReadModel extends InMemoryTicketReadModel {
    reads = 0;
    failNextWrite = false;
    override get(recordId: string) {
      this.reads++;
      return super.get(recordId);
    }
    override upsert(stored: StoredTicketView) {
      if (this.failNextWrite) {
        this.failNextWrite = false;
        return Promise.reject(new Error('read model down'));
      }
      return super.upsert(stored);
    }
  }

  it('writes a new ticket and its next event without reading', async () => {
    const readModel = new CountingReadModel();
    const projection = new TicketSearchProjection(readModel);
    await projection.project(at(ticketMessage('t-4', 'TicketRequested'), 0, 'r-4'));
    await projection.project(at(ticketMessage('t-4', 'TicketSynced', { zendeskTicketId: '78' }), 1, 'r-4'));
    expect(readModel.reads).toBe(0);
    expect(await readModel.get('r-4')).toMatchObject({ revision: 1, view: { sync: { status: 'SYNCED', zendeskTicketId: '78' } } });
  });

  it('a redelivered first event does not reset a ticket another consumer moved on', async () => {
    const readModel = new CountingReadModel();
    await projectTicketEvent(readModel, at(ticketMessage('t-5', 'TicketRequested'), 0, 'r-5'));
    await projectTicketEvent(readModel, at(ticketMessage('t-5', 'TicketSynced', { zendeskTicketId: '79' }), 1, 'r-5'));
    const projection = new TicketSearchProjection(readModel); // a fresh member after a rebalance
    await projection.project(at(ticketMessage('t-5', 'TicketRequested'), 0, 'r-5'));
    expect(await readModel.get('r-5')).toMatchObject({ revision: 1, view: { sync: { status: 'SYNCED' } } });
    // Its remembered view is at revision 0, the store at 1: the next event must read, not fold onto 0.
    await projection.project(at(ticketMessage('t-5', 'SupportFileUploaded'), 2, 'r-5'));
    expect(await readModel.get('r-5')).toMatchObject({ revision: 2, view: { sync: { status: 'SYNCED', zendeskTicketId: '79' } } });
  });

  it('does not remember a view whose write failed', async () => {
    const readModel = new CountingReadModel();
    // No waiting out the outage: the failure goes straight to the bus.
    const projection = new TicketSearchProjection(readModel, { outage: { maxOutageMs: 0 } });
    readModel.failNextWrite = true;
    await expect(projection.project(at(ticketMessage('t-6', 'TicketRequested'), 0, 'r-6'))).rejects.toThrow(/read model down/);
    // The bus would now redeliver TicketRequested; a TicketSynced arriving instead must not find a phantom view.
    await expect(projection.project(at(ticketMessage('t-6', 'TicketSynced'), 1, 'r-6'))).rejects.toThrow(/No projected ticket/);
  });

  it('waits out a read model that fails for a while instead of failing the event', async () => {
    const readModel = new CountingReadModel();
    const projection = new TicketSearchProjection(readModel, { outage: { baseMs: 1, capMs: 2 } });
    readModel.failNextWrite = true;
    await projection.project(at(ticketMessage('t-7', 'TicketRequested'), 0, 'r-7'));
    await projection.project(at(ticketMessage('t-7', 'TicketSynced'), 1, 'r-7'));
    expect((await readModel.get('r-7'))?.revision).toBe(1);
  });
});

describe('TicketSearchProjection.projectBatch', () => {
  /** A read model that takes batches (like SQLite's), counting reads and batch writes; can fail the next batch. */
  class BatchingReadModel extends InMemoryTicketReadModel {
    reads = 0;
    batches: StoredTicketView[][] = [];
    failNextBatch = false;
    override get(recordId: string) {
      this.reads++;
      return super.get(recordId);
    }
    async upsertMany(batch: readonly StoredTicketView[]): Promise<void> {
      if (this.failNextBatch) {
        this.failNextBatch = false;
        throw new Error('read model down');
      }
      this.batches.push([...batch]);
      for (const stored of batch) await super.upsert(stored);
    }
  }

  it('folds a batch and writes each ticket once, its last view, without reading', async () => {
    const readModel = new BatchingReadModel();
    const projection = new TicketSearchProjection(readModel);
    await projection.projectBatch([
      at(ticketMessage('t-8', 'TicketRequested'), 0, 'r-8'),
      at(ticketMessage('t-9', 'TicketRequested'), 0, 'r-9'),
      at(ticketMessage('t-8', 'TicketSynced', { zendeskTicketId: '80' }), 1, 'r-8'),
      at(ticketMessage('t-8', 'TicketRequested'), 0, 'r-8'), // redelivered within the batch: changes nothing
      at(ticketMessage('t-8', 'SomethingNew'), 2, 'r-8'),
    ]);
    expect(readModel.reads).toBe(0);
    expect(readModel.batches.map((b) => b.map((s) => `${s.view.recordId}@${s.revision}`))).toEqual([['r-8@1', 'r-9@0']]);
    expect(await readModel.get('r-8')).toMatchObject({ revision: 1, view: { sync: { status: 'SYNCED', zendeskTicketId: '80' } } });
    // The next batch folds onto the remembered views: still no read.
    readModel.reads = 0;
    await projection.projectBatch([at(ticketMessage('t-9', 'TicketSynced', { zendeskTicketId: '81' }), 1, 'r-9')]);
    expect(readModel.reads).toBe(0);
    expect((await readModel.get('r-9'))?.revision).toBe(1);
  });

  it('a batch with an event it cannot fold writes nothing (the bus then handles each event alone)', async () => {
    const readModel = new BatchingReadModel();
    const projection = new TicketSearchProjection(readModel);
    await expect(
      projection.projectBatch([at(ticketMessage('t-10', 'TicketRequested'), 0, 'r-10'), at(ticketMessage('t-11', 'TicketSynced'), 1, 'r-11')]),
    ).rejects.toThrow(/No projected ticket/);
    expect(readModel.batches).toEqual([]);
    expect(await readModel.get('r-10')).toBeNull();
  });

  it('remembers nothing of a batch whose write failed', async () => {
    const readModel = new BatchingReadModel();
    const projection = new TicketSearchProjection(readModel, { outage: { maxOutageMs: 0 } });
    readModel.failNextBatch = true;
    await expect(projection.projectBatch([at(ticketMessage('t-12', 'TicketRequested'), 0, 'r-12')])).rejects.toThrow(/read model down/);
    await expect(projection.projectBatch([at(ticketMessage('t-12', 'TicketSynced'), 1, 'r-12')])).rejects.toThrow(/No projected ticket/);
  });

  it('falls back to one write per event on a read model without upsertMany', async () => {
    const readModel = new InMemoryTicketReadModel();
    const projection = new TicketSearchProjection(readModel);
    await projection.projectBatch([at(ticketMessage('t-13', 'TicketRequested'), 0, 'r-13'), at(ticketMessage('t-13', 'TicketSynced'), 1, 'r-13')]);
    expect((await readModel.get('r-13'))?.revision).toBe(1);
  });
});

describe('RecentViews', () => {
  it('keeps at most its capacity, dropping the least recently remembered', () => {
    const views = new RecentViews(2);
    const view = (revision: number) => ({ revision }) as StoredTicketView;
    views.remember('a', view(0));
    views.remember('b', view(0));
    views.remember('a', view(1)); // a is now the most recent
    views.remember('c', view(0));
    expect(views.size).toBe(2);
    expect(views.get('b')).toBeUndefined();
    expect(views.get('a')?.revision).toBe(1);
  });
});
