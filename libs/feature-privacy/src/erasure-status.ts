import { ERASURE_STEPS, type ErasureStatus } from '@support-desk/contracts';
import type { ErasureState } from './erasure.decider';

/** The erasure as the status route answers it: each step pending or done, with dates. */
export function erasureStatusOf(state: Exclude<ErasureState, { status: 'none' }>): ErasureStatus {
  const { request } = state;
  return {
    erasureId: request.erasureId,
    uuid: request.uuid,
    status: state.status === 'erased' ? 'ERASED' : 'REQUESTED',
    requestedBy: request.requestedBy,
    reason: request.reason,
    requestedAt: request.requestedAt,
    erasedAt: state.erasedAt,
    tickets: request.ticketIds.length,
    zendeskTickets: request.zendeskTicketIds.length,
    files: request.blobKeys.length,
    steps: ERASURE_STEPS.map((step) => {
      const done = state.steps[step];
      return done
        ? { step, status: 'DONE' as const, completedAt: done.completedAt, count: done.count, note: done.note }
        : { step, status: 'PENDING' as const, completedAt: null, count: null, note: null };
    }),
  };
}
