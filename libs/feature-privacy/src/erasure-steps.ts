import { ERASED, type ErasureStep, type UserErasureRequested } from '@support-desk/contracts';

/** What one step did: how many things it erased, and why it did less than asked (else null). */
export type StepOutcome = { count: number; note: string | null };

/**
 * One step of an erasure, run by the service that owns its adapter. `run` must
 * be idempotent: after a crash it runs again on the same request.
 */
export type ErasureStepHandler = {
  step: ErasureStep;
  run(request: UserErasureRequested['data']): Promise<StepOutcome>;
};

/** What the read-model step needs (TicketReadModel.eraseSubject fits). */
export type SubjectEraser = { eraseSubject(uuid: string): Promise<number> };

/** query-service: every view of the user keeps ids and dates, loses personal fields and uuid. */
export function readModelStep(readModel: SubjectEraser): ErasureStepHandler {
  return {
    step: 'read-model',
    async run(request) {
      return { count: await readModel.eraseSubject(request.uuid), note: null };
    },
  };
}

/** What the blobs step needs (BlobStore.delete fits: every version, no error when absent). */
export type BlobDeleter = { delete(key: string): Promise<void> };

/** file-service: every file of the user (images, logs, photos), every stored version. */
export function blobsStep(blobs: BlobDeleter): ErasureStepHandler {
  return {
    step: 'blobs',
    async run(request) {
      let count = 0;
      for (const key of request.blobKeys) {
        // An image name read after its key was shredded: nothing to find under it.
        if (key.includes(ERASED)) continue;
        await blobs.delete(key);
        count++;
      }
      return { count, note: null };
    },
  };
}

/**
 * What the Zendesk step needs: eraseZendeskRequester bound to our ZendeskHttp
 * (retries, rate limit), or null while Zendesk is not configured.
 */
export type ZendeskRequesterEraser = ((zendeskTicketIds: string[]) => Promise<{ note: string | null }>) | null;

/** zendesk-sync: the requester's tickets redacted, the end user deleted then permanently deleted. */
export function zendeskStep(erase: ZendeskRequesterEraser): ErasureStepHandler {
  return {
    step: 'zendesk',
    async run(request) {
      const ids = request.zendeskTicketIds;
      if (ids.length === 0) return { count: 0, note: null };
      // Without Zendesk settings nothing can reach it: say so in the status rather than hold the key forever.
      if (!erase) return { count: 0, note: `Zendesk is not configured: tickets ${ids.join(', ')} were not erased there` };
      const { note } = await erase(ids);
      return { count: ids.length, note };
    },
  };
}
