import { describe, expect, it } from 'vitest';
import type { ErasureEvent, UserErasureRequested } from '@support-desk/contracts';
import { decideErasure, erasureDecider, type ErasureCommand } from './erasure.decider';

const request: UserErasureRequested['data'] = {
  erasureId: 'e-1',
  uuid: 'user-1',
  requestedBy: 'admin:abc',
  reason: 'Art. 17',
  requestedAt: 1_000,
  ticketIds: ['t-1'],
  zendeskTicketIds: ['42'],
  blobKeys: ['images/a.jpeg'],
};
const requested: ErasureEvent = { type: 'UserErasureRequested', data: request };
const stepDone = (step: 'read-model' | 'blobs' | 'zendesk', at = 2_000): ErasureEvent => ({
  type: 'UserErasureStepCompleted',
  data: { erasureId: 'e-1', uuid: 'user-1', step, count: 1, note: null, completedAt: at },
});
const erased: ErasureEvent = { type: 'UserErased', data: { erasureId: 'e-1', uuid: 'user-1', erasedAt: 3_000 } };

/** given(events).when(command).then(events), no I/O. */
const given = (events: ErasureEvent[]) => ({
  when: (command: ErasureCommand) => {
    const state = events.reduce(erasureDecider.evolve, erasureDecider.initialState());
    return {
      then: (expected: ErasureEvent[]) => expect(decideErasure(command, state)).toEqual(expected),
      thenThrows: (re: RegExp) => expect(() => decideErasure(command, state)).toThrow(re),
    };
  },
});

describe('erasure decider', () => {
  it('a first request starts the erasure', () => {
    given([]).when({ type: 'RequestErasure', data: request }).then([requested]);
  });

  it('a second request while it runs decides nothing (idempotent)', () => {
    const again: ErasureCommand = { type: 'RequestErasure', data: { ...request, erasureId: 'e-2', reason: 'again' } };
    given([requested]).when(again).then([]);
    given([requested, stepDone('read-model')])
      .when(again)
      .then([]);
  });

  it('after one finished, a new erasure may start (the caller found data left since) and starts from no step done', () => {
    const later: UserErasureRequested['data'] = { ...request, erasureId: 'e-2', requestedAt: 9_000, ticketIds: ['t-9'] };
    const history = [requested, stepDone('read-model'), stepDone('blobs'), stepDone('zendesk'), erased];
    given(history)
      .when({ type: 'RequestErasure', data: later })
      .then([{ type: 'UserErasureRequested', data: later }]);
    const next: ErasureEvent = { type: 'UserErasureRequested', data: later };
    const state = [...history, next].reduce(erasureDecider.evolve, erasureDecider.initialState());
    expect(state).toMatchObject({ status: 'requested', request: { erasureId: 'e-2' }, steps: {}, erasedAt: null });
  });

  it('records a step once, with its outcome, under the erasure it belongs to', () => {
    const command: ErasureCommand = { type: 'CompleteErasureStep', data: { step: 'blobs', count: 3, note: null, completedAt: 2_500 } };
    given([requested])
      .when(command)
      .then([{ type: 'UserErasureStepCompleted', data: { erasureId: 'e-1', uuid: 'user-1', step: 'blobs', count: 3, note: null, completedAt: 2_500 } }]);
    given([requested, stepDone('blobs')])
      .when(command)
      .then([]);
  });

  it('records no step before a request or after the user is erased', () => {
    const command: ErasureCommand = { type: 'CompleteErasureStep', data: { step: 'zendesk', count: 0, note: null, completedAt: 1 } };
    given([]).when(command).then([]);
    given([requested, stepDone('read-model'), stepDone('blobs'), stepDone('zendesk'), erased])
      .when(command)
      .then([]);
  });

  it('finishes (UserErased) only once every step is done, and only once', () => {
    const finish: ErasureCommand = { type: 'FinishErasure', data: { erasedAt: 3_000 } };
    given([requested, stepDone('read-model'), stepDone('blobs')])
      .when(finish)
      .thenThrows(/before every step is done/);
    given([requested, stepDone('read-model'), stepDone('blobs'), stepDone('zendesk')])
      .when(finish)
      .then([erased]);
    given([requested, stepDone('read-model'), stepDone('blobs'), stepDone('zendesk'), erased])
      .when(finish)
      .then([]);
    given([]).when(finish).then([]);
  });

  it('folds the status the route shows: steps with their dates, then erased', () => {
    const state = [requested, stepDone('zendesk', 2_100), stepDone('read-model', 2_200), stepDone('blobs', 2_300), erased].reduce(
      erasureDecider.evolve,
      erasureDecider.initialState(),
    );
    expect(state).toMatchObject({
      status: 'erased',
      erasedAt: 3_000,
      steps: { zendesk: { completedAt: 2_100 }, 'read-model': { completedAt: 2_200 }, blobs: { completedAt: 2_300 } },
    });
  });
});
