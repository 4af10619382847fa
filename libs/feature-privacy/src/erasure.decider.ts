import { ERASURE_STEPS, type ErasureEvent, type ErasureStep, type UserErasureRequested } from '@support-desk/contracts';
import type { Decider } from '@support-desk/event-store';

/**
 * One user's erasure, folded from its stream `user-erasure-<uuid>`. Pure: ids and
 * times come in with the commands. Every command is idempotent: a request while
 * one runs, a step done twice, a finish twice all decide nothing. The stream
 * shows the latest erasure; a later one follows a finished one (new data).
 */
export type ErasureState =
  | { status: 'none' }
  | {
      status: 'requested' | 'erased';
      request: UserErasureRequested['data'];
      steps: Partial<Record<ErasureStep, { completedAt: number; count: number; note: string | null }>>;
      erasedAt: number | null;
    };

export type ErasureCommand =
  | { type: 'RequestErasure'; data: UserErasureRequested['data'] }
  | { type: 'CompleteErasureStep'; data: { step: ErasureStep; count: number; note: string | null; completedAt: number } }
  | { type: 'FinishErasure'; data: { erasedAt: number } };

export const initialErasureState = (): ErasureState => ({ status: 'none' });

export function allStepsDone(state: ErasureState): boolean {
  return state.status !== 'none' && ERASURE_STEPS.every((step) => state.steps[step] !== undefined);
}

export function decideErasure(command: ErasureCommand, state: ErasureState): ErasureEvent[] {
  switch (command.type) {
    case 'RequestErasure':
      // A running erasure answers for the user: never a second one at once. After one finished, a new
      // one may start (the caller found data the user left since: eraseUser answers "done" otherwise).
      return state.status === 'requested' ? [] : [{ type: 'UserErasureRequested', data: command.data }];
    case 'CompleteErasureStep': {
      if (state.status !== 'requested' || state.steps[command.data.step]) return [];
      const { erasureId, uuid } = state.request;
      return [{ type: 'UserErasureStepCompleted', data: { erasureId, uuid, ...command.data } }];
    }
    case 'FinishErasure': {
      if (state.status !== 'requested') return [];
      // The key goes last: blobs need their names and Zendesk its ids until every step is done.
      if (!allStepsDone(state)) throw new Error(`Erasure ${state.request.erasureId} cannot finish before every step is done`);
      const { erasureId, uuid } = state.request;
      return [{ type: 'UserErased', data: { erasureId, uuid, erasedAt: command.data.erasedAt } }];
    }
    default: {
      const exhaustive: never = command;
      throw new Error(`Unknown erasure command ${JSON.stringify(exhaustive)}`);
    }
  }
}

export function evolveErasure(state: ErasureState, event: ErasureEvent): ErasureState {
  switch (event.type) {
    case 'UserErasureRequested':
      return state.status === 'requested' ? state : { status: 'requested', request: event.data, steps: {}, erasedAt: null };
    case 'UserErasureStepCompleted': {
      if (state.status === 'none') return state;
      const { step, completedAt, count, note } = event.data;
      return { ...state, steps: { ...state.steps, [step]: { completedAt, count, note } } };
    }
    case 'UserErased':
      return state.status === 'none' ? state : { ...state, status: 'erased', erasedAt: event.data.erasedAt };
    default: {
      const exhaustive: never = event;
      throw new Error(`Unknown erasure event ${JSON.stringify(exhaustive)}`);
    }
  }
}

export const erasureDecider: Decider<ErasureCommand, ErasureEvent, ErasureState> = {
  decide: decideErasure,
  evolve: evolveErasure,
  initialState: initialErasureState,
};
