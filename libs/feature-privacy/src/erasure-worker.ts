import { ERASURE_STREAM_PREFIX, type UserErasureRequested } from '@support-desk/contracts';
import type { CheckpointStore, EventStore, EventSubscription, RecordedEvent } from '@support-desk/event-store';
import { allStepsDone } from './erasure.decider';
import type { ErasureStepHandler } from './erasure-steps';
import { loadErasure, runErasureCommand } from './erasure-stream';

/** What the finishing worker needs of the key store (DataKeyStore fits). */
export type SubjectKeyEraser = { eraseSubject(subjectId: string): Promise<void> };

export type ErasureLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type ErasureWorkerOptions = {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Checkpoint name: one per worker (per service). */
  name: string;
  /** The steps this service owns. */
  steps: ErasureStepHandler[];
  /**
   * Given to the one service that finishes erasures (query-service; npm start's
   * process): once every step is done it deletes the key, then appends UserErased.
   */
  keys?: SubjectKeyEraser;
  log: ErasureLog;
  now?: () => number;
};

/**
 * The erasure process manager of one service: a catch-up subscription on the
 * erasure streams from a stored checkpoint (like the relay). For each request it
 * runs this service's steps and records each as done; the finisher deletes the
 * key once all are done. Everything is idempotent and the checkpoint moves only
 * after an event was handled, so kill -9 anywhere resumes where it was; a step
 * that fails (S3 or Zendesk down) is retried with a back-off by the subscription.
 */
export class ErasureWorker {
  private subscription: EventSubscription | undefined;

  constructor(private readonly options: ErasureWorkerOptions) {}

  async start(): Promise<void> {
    const { store, checkpoints, name, log } = this.options;
    const fromPosition = await checkpoints.load(name);
    this.subscription = store.subscribeToAll(
      {
        fromPosition,
        streamPrefix: ERASURE_STREAM_PREFIX,
        onError: (err, event) => log.error({ err, worker: name, streamId: event.streamId, eventType: event.type }, 'erasure step failed; retrying'),
      },
      async (event) => {
        await this.handle(event);
        await checkpoints.store(name, event.position);
      },
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** One event of an erasure stream: run what is left to do for it (exposed for tests). */
  async handle(event: RecordedEvent): Promise<void> {
    const uuid = typeof event.data.uuid === 'string' ? event.data.uuid : undefined;
    if (!uuid) return;
    if (event.type === 'UserErasureRequested') await this.runSteps(uuid);
    if (this.options.keys && (event.type === 'UserErasureStepCompleted' || event.type === 'UserErasureRequested')) await this.finish(uuid);
  }

  private async runSteps(uuid: string): Promise<void> {
    const { store, steps, log, name } = this.options;
    const now = this.options.now ?? Date.now;
    for (const handler of steps) {
      // The stream, not the event, says what is left: a replay after a crash skips finished steps.
      const state = await loadErasure(store, uuid);
      if (state.status !== 'requested' || state.steps[handler.step]) continue;
      const request: UserErasureRequested['data'] = state.request;
      const outcome = await handler.run(request);
      await runErasureCommand(store, uuid, { type: 'CompleteErasureStep', data: { step: handler.step, ...outcome, completedAt: now() } });
      const line = { worker: name, erasureId: request.erasureId, step: handler.step, count: outcome.count, note: outcome.note };
      if (outcome.note) log.warn(line, 'erasure step done with a note');
      else log.info(line, 'erasure step done');
    }
  }

  private async finish(uuid: string): Promise<void> {
    const { store, keys, log, name } = this.options;
    const now = this.options.now ?? Date.now;
    const state = await loadErasure(store, uuid);
    if (state.status !== 'requested' || !allStepsDone(state)) return;
    // Key first, then the event: a crash between them deletes again (idempotent) and appends.
    await keys!.eraseSubject(uuid);
    await runErasureCommand(store, uuid, { type: 'FinishErasure', data: { erasedAt: now() } });
    log.info(
      { worker: name, erasureId: state.request.erasureId, requestedBy: state.request.requestedBy },
      'user erased: data key deleted, UserErased appended',
    );
  }
}
