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

/**
 * Read stream → fold → decide → append with the revision read. Two writers racing
 * on one stream can't both win: the loser re-reads and decides again.
 */
export async function handleCommand<Command, Event extends { type: string; data: unknown }, State>(
  store: EventStore,
  streamId: string,
  command: Command,
  decider: Decider<Command, Event, State>,
  options: { toEvent: (recorded: RecordedEvent) => Event | undefined; metadata?: JsonObject; retries?: number },
): Promise<CommandResult<Event, State>> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const recorded = await store.readStream(streamId);
    let state = decider.initialState();
    for (const r of recorded) {
      const event = options.toEvent(r);
      if (event) state = decider.evolve(state, event);
    }
    const revision = recorded.length - 1;
    const newEvents = decider.decide(command, state);
    if (newEvents.length === 0) return { newEvents, state, revision };
    const toAppend: NewEvent[] = newEvents.map((e) => ({ type: e.type, data: e.data as JsonObject, metadata: options.metadata }));
    try {
      const result = await store.append(streamId, toAppend, { expectedRevision: revision < 0 ? 'no_stream' : revision });
      return { newEvents, state: newEvents.reduce(decider.evolve, state), revision: result.nextExpectedRevision };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < retries) continue;
      throw error;
    }
  }
}
