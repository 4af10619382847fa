import { WrongExpectedRevisionError, type EventStore, type JsonObject, type NewEvent, type RecordedEvent } from './event-store.port';

export type Decider<Command, Event extends { type: string; data: unknown }, State> = {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
};

export type CommandResult<Event, State> = {
  /** Events this command appended (possibly none: an idempotent no-op). */
  newEvents: Event[];
  /** State after the command. */
  state: State;
  /** Stream revision the state reflects, or -1 for an empty stream. */
  revision: number;
};

/** What the first attempt of a command on a stream the caller knows to be new folds: nothing. */
const NO_EVENTS: readonly RecordedEvent[] = [];

export type HandleCommandOptions<Event> = {
  toEvent: (recorded: RecordedEvent) => Event | undefined;
  metadata?: JsonObject;
  retries?: number;
  /**
   * The caller named the stream just now (a fresh random id), so it cannot exist
   * yet: the first attempt decides on the initial state and appends with
   * 'no_stream', without reading the stream. Should it exist after all, that
   * append fails its revision check (or the decision was to append nothing),
   * and the usual read → decide → append follows: the outcome is the same as
   * without this hint, the read is just saved when the caller is right.
   */
  newStream?: boolean;
};

/**
 * Read stream → fold → decide → append with the revision read. Two writers racing
 * on one stream can't both win: the loser re-reads and decides again.
 */
export async function handleCommand<Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamId: string,
  command: Command,
  decider: Decider<Command, Event, State>,
  options: HandleCommandOptions<Event>,
): Promise<CommandResult<Event, State>> {
  const retries = options.retries ?? 3;
  let unread = options.newStream === true;
  for (let attempt = 0; ; ) {
    const recorded = unread ? NO_EVENTS : await store.readStream(streamId);
    let state = decider.initialState();
    for (const r of recorded) {
      const event = options.toEvent(r);
      if (event) state = decider.evolve(state, event);
    }
    const revision = recorded.length - 1;
    const newEvents = decider.decide(command, state);
    if (newEvents.length === 0) {
      if (!unread) return { newEvents, state, revision };
      // "Nothing to do" on an assumed-empty stream is only an answer once the stream is read.
      unread = false;
      continue;
    }
    const toAppend: NewEvent[] = newEvents.map((e) => ({ type: e.type, data: e.data as JsonObject, metadata: options.metadata }));
    try {
      const result = await store.append(streamId, toAppend, { expectedRevision: revision < 0 ? 'no_stream' : revision });
      return { newEvents, state: newEvents.reduce(decider.evolve, state), revision: result.nextExpectedRevision };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // The stream existed after all: read it and decide again (not counted as a retry, no race was lost).
      if (unread) unread = false;
      else if (attempt++ >= retries) throw error;
    }
  }
}
