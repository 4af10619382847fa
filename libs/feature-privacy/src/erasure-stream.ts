import { erasureStreamId, isErasureEventType, type ErasureEvent } from '@support-desk/contracts';
import { handleCommand, type EventStore, type JsonObject, type RecordedEvent } from '@support-desk/event-store';
import { erasureDecider, evolveErasure, initialErasureState, type ErasureCommand, type ErasureState } from './erasure.decider';

const toErasureEvent = (recorded: RecordedEvent): ErasureEvent | undefined =>
  isErasureEventType(recorded.type) ? ({ type: recorded.type, data: recorded.data } as ErasureEvent) : undefined;

/** The user's erasure as its stream says (status 'none' when there is no stream). */
export async function loadErasure(store: Pick<EventStore, 'readStream'>, uuid: string): Promise<ErasureState> {
  let state = initialErasureState();
  for (const recorded of await store.readStream(erasureStreamId(uuid))) {
    const event = toErasureEvent(recorded);
    if (event) state = evolveErasure(state, event);
  }
  return state;
}

/** Read, decide, append with the revision read (a racing writer makes this one decide again). */
export async function runErasureCommand(store: EventStore, uuid: string, command: ErasureCommand, metadata?: JsonObject) {
  return handleCommand(store, erasureStreamId(uuid), command, erasureDecider, { toEvent: toErasureEvent, metadata });
}
