import { describe, expect, it } from 'vitest';
import { erasureStreamId, type UserErasureRequested } from '@support-desk/contracts';
import type { CheckpointStore } from '@support-desk/event-store';
import { ArrayEventStore } from '@support-desk/personal-data/testing';
import { blobsStep, readModelStep, zendeskStep, type ErasureStepHandler } from './erasure-steps';
import { loadErasure, runErasureCommand } from './erasure-stream';
import { ErasureWorker } from './erasure-worker';

const uuid = 'user-1';
const request: UserErasureRequested['data'] = {
  erasureId: 'e-1',
  uuid,
  requestedBy: 'admin:abc',
  reason: 'Art. 17',
  requestedAt: 1_000,
  ticketIds: ['t-1'],
  zendeskTicketIds: ['42'],
  blobKeys: ['images/a.jpeg', 'support-files/t-1/LOG/u1'],
};

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const noCheckpoints: CheckpointStore = { load: async () => undefined, store: async () => undefined };

/** In-memory stand-ins of the adapters, recording what was called, in one shared order. */
function standIns() {
  const calls: string[] = [];
  const blobs = new Set(request.blobKeys);
  return {
    calls,
    blobs,
    readModel: { eraseSubject: async (u: string) => (calls.push(`read-model ${u}`), 1) },
    blobStore: { delete: async (key: string) => void (calls.push(`blob ${key}`), blobs.delete(key)) },
    zendesk: async (ids: string[]) => (calls.push(`zendesk ${ids.join(',')}`), { note: null }),
    keys: { eraseSubject: async (s: string) => void calls.push(`key ${s}`) },
  };
}

async function requested(store: ArrayEventStore) {
  await runErasureCommand(store, uuid, { type: 'RequestErasure', data: request });
  return store.events.at(-1)!;
}

const types = (store: ArrayEventStore) =>
  store.events
    .filter((e) => e.streamId === erasureStreamId(uuid))
    .map((e) => (e.type === 'UserErasureStepCompleted' ? `${e.type}:${String(e.data.step)}` : e.type));

describe('ErasureWorker (the process manager)', () => {
  it('runs its steps, records each, then deletes the key and appends UserErased last', async () => {
    const store = new ArrayEventStore();
    const s = standIns();
    const worker = new ErasureWorker({
      store,
      checkpoints: noCheckpoints,
      name: 't',
      steps: [readModelStep(s.readModel), blobsStep(s.blobStore), zendeskStep(s.zendesk)],
      keys: s.keys,
      log: silent,
      now: () => 5_000,
    });
    await worker.handle(await requested(store));
    expect(s.calls).toEqual(['read-model user-1', 'blob images/a.jpeg', 'blob support-files/t-1/LOG/u1', 'zendesk 42', 'key user-1']);
    expect(types(store)).toEqual([
      'UserErasureRequested',
      'UserErasureStepCompleted:read-model',
      'UserErasureStepCompleted:blobs',
      'UserErasureStepCompleted:zendesk',
      'UserErased',
    ]);
    expect(s.blobs.size).toBe(0);
    const state = await loadErasure(store, uuid);
    expect(state).toMatchObject({ status: 'erased', erasedAt: 5_000, steps: { blobs: { count: 2 } } });
  });

  it('a replay after a crash skips the steps done and appends nothing twice', async () => {
    const store = new ArrayEventStore();
    const s = standIns();
    const event = await requested(store);
    // Before the crash: the read model was done and recorded.
    await runErasureCommand(store, uuid, { type: 'CompleteErasureStep', data: { step: 'read-model', count: 1, note: null, completedAt: 2_000 } });
    const worker = new ErasureWorker({
      store,
      checkpoints: noCheckpoints,
      name: 't',
      steps: [readModelStep(s.readModel), blobsStep(s.blobStore), zendeskStep(s.zendesk)],
      keys: s.keys,
      log: silent,
    });
    await worker.handle(event);
    await worker.handle(event); // redelivered: the checkpoint had not moved
    for (const e of store.events.slice(2)) await worker.handle(e);
    expect(s.calls.filter((c) => c.startsWith('read-model'))).toEqual([]);
    expect(s.calls.filter((c) => c === 'key user-1')).toHaveLength(1);
    expect(types(store).filter((t) => t === 'UserErased')).toHaveLength(1);
    expect(types(store)).toHaveLength(5);
  });

  it('a failing step records nothing and throws (the subscription retries it); the key stays until every step is done', async () => {
    const store = new ArrayEventStore();
    const s = standIns();
    let down = true;
    const flaky: ErasureStepHandler = {
      step: 'blobs',
      run: async (r) => {
        if (down) throw new Error('S3 is down');
        return blobsStep(s.blobStore).run(r);
      },
    };
    const worker = new ErasureWorker({
      store,
      checkpoints: noCheckpoints,
      name: 't',
      steps: [readModelStep(s.readModel), flaky, zendeskStep(s.zendesk)],
      keys: s.keys,
      log: silent,
    });
    const event = await requested(store);
    await expect(worker.handle(event)).rejects.toThrow('S3 is down');
    expect(types(store)).toEqual(['UserErasureRequested', 'UserErasureStepCompleted:read-model']);
    expect(s.calls).not.toContain('key user-1');
    down = false;
    await worker.handle(event);
    expect(types(store).at(-1)).toBe('UserErased');
  });

  it('in stack mode each service runs its own steps; only the finisher deletes the key, once all are recorded', async () => {
    const store = new ArrayEventStore();
    const s = standIns();
    const service = (steps: ErasureStepHandler[], keys?: typeof s.keys) =>
      new ErasureWorker({ store, checkpoints: noCheckpoints, name: 't', steps, keys, log: silent });
    const query = service([readModelStep(s.readModel)], s.keys);
    const files = service([blobsStep(s.blobStore)]);
    const zendesk = service([zendeskStep(s.zendesk)]);
    const event = await requested(store);
    await query.handle(event);
    await files.handle(event);
    expect(s.calls).not.toContain('key user-1');
    for (const e of store.events.slice(1)) await query.handle(e); // the finisher sees each StepCompleted
    expect(s.calls).not.toContain('key user-1');
    await zendesk.handle(event);
    await query.handle(store.events.at(-1)!);
    expect(s.calls.at(-1)).toBe('key user-1');
    expect(types(store).at(-1)).toBe('UserErased');
  });

  it('without Zendesk settings the Zendesk step says so in its note instead of holding the key forever', async () => {
    const outcome = await zendeskStep(null).run(request);
    expect(outcome).toEqual({ count: 0, note: expect.stringContaining('Zendesk is not configured') });
    expect(await zendeskStep(null).run({ ...request, zendeskTicketIds: [] })).toEqual({ count: 0, note: null });
  });
});
