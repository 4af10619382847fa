import { expect, it } from 'vitest';
import type { TicketReadModel } from '../ticket-read-model.port';
import { sampleView } from './sample-view';

/** A rebuild fills a copy no search sees, then swaps it in whole. Each test starts from an empty read model. */
export function rebuildContract(readModel: () => TicketReadModel): void {
  const ids = async (query = {}) => (await readModel().search(query, { offset: 0, limit: 100 })).items.map((v) => v.recordId).sort();

  it('rebuilds into a copy that searches see only once it is swapped in, after a last catch-up', async () => {
    const kept = sampleView({ subject: 'Old subject', category: 'kept' });
    const dropped = sampleView({ category: 'dropped' });
    await readModel().upsert({ view: kept, revision: 0 });
    await readModel().upsert({ view: dropped, revision: 0 });

    const rebuild = await readModel().beginRebuild();
    const added = sampleView({ subject: 'Rebuilt words', category: 'kept' });
    const keptLater = { ...kept, ticketStatus: 'open' };
    await rebuild.write([
      { stored: { view: added, revision: 0 }, isNew: true },
      { stored: { view: keptLater, revision: 2 }, isNew: true },
    ]);
    expect(await rebuild.get(kept.recordId)).toEqual({ view: keptLater, revision: 2 });
    expect(await ids()).toEqual([kept.recordId, dropped.recordId].sort()); // the live one, untouched
    expect(await ids({ q: 'rebuilt' })).toEqual([]);

    const late = sampleView({ category: 'kept' });
    let catchUps = 0;
    await rebuild.swap(async (upsert) => {
      // An adapter may call it again (MongoDB: after every reader switched); the events are then old news.
      if (catchUps++ > 0) return;
      expect(await upsert({ view: late, revision: 0 })).toBe(true);
      expect(await upsert({ view: { ...keptLater, ticketStatus: 'solved' }, revision: 3 })).toBe(true);
      expect(await upsert({ view: kept, revision: 1 })).toBe(false); // older than the copy's
    });
    expect(catchUps).toBeGreaterThan(0);

    expect(await ids()).toEqual([kept.recordId, added.recordId, late.recordId].sort());
    expect(await ids({ q: 'rebuilt words', category: 'KEPT' })).toEqual([added.recordId]);
    expect(await ids({ ticketStatus: 'solved' })).toEqual([kept.recordId]);
    expect(await readModel().get(dropped.recordId)).toBeNull();
    // The swapped-in copy is the read model now: writes and reads go there.
    const after = sampleView({ category: 'kept' });
    expect(await readModel().upsert({ view: after, revision: 0 })).toBe(true);
    expect(await ids({ category: 'kept' })).toEqual([kept.recordId, added.recordId, late.recordId, after.recordId].sort());
  });

  it('writes a batch as guarded upserts: a view already in the copy is replaced only by a newer revision', async () => {
    const view = sampleView();
    const rebuild = await readModel().beginRebuild();
    await rebuild.write([{ stored: { view, revision: 1 }, isNew: true }]);
    await rebuild.write([{ stored: { view: { ...view, subject: 'older' }, revision: 0 }, isNew: false }]);
    await rebuild.write([{ stored: { view: { ...view, subject: 'same again' }, revision: 1 }, isNew: true }]); // a resumed batch
    expect(await rebuild.get(view.recordId)).toEqual({ view, revision: 1 });
    await rebuild.write([{ stored: { view: { ...view, subject: 'newer' }, revision: 4 }, isNew: false }]);
    expect((await rebuild.get(view.recordId))?.view.subject).toBe('newer');
    await rebuild.discard();
  });

  it('leaves the live read model as it was when a rebuild is discarded, and rebuilds again after one', async () => {
    const live = sampleView();
    await readModel().upsert({ view: live, revision: 0 });
    const abandoned = await readModel().beginRebuild();
    await abandoned.write([{ stored: { view: sampleView(), revision: 0 }, isNew: true }]);
    await abandoned.discard();
    expect(await ids()).toEqual([live.recordId]);

    for (const round of [1, 2]) {
      const view = sampleView({ subject: `round ${round}` });
      const rebuild = await readModel().beginRebuild();
      await rebuild.write([{ stored: { view, revision: 0 }, isNew: true }]);
      await rebuild.swap(async () => {});
      expect(await ids()).toEqual([view.recordId]);
      expect(await ids({ q: `round ${round}` })).toEqual([view.recordId]);
    }
  });
}
