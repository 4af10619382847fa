import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleCommand, type Decider } from './command-handler';
import { WrongExpectedRevisionError, type RecordedEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite';

/** A stream that is opened once: Open on an open stream is refused, Touch on it appends Touched, Noop appends nothing. */
type Command = { type: 'Open' | 'Touch' | 'Noop' };
type Event = { type: 'Opened' | 'Touched'; data: { n: number } };
type State = { open: boolean; events: number };

const decider: Decider<Command, Event, State> = {
  initialState: () => ({ open: false, events: 0 }),
  evolve: (state, event) => ({ open: state.open || event.type === 'Opened', events: state.events + 1 }),
  decide(command, state) {
    if (command.type === 'Noop') return [];
    if (command.type === 'Open') {
      if (state.open) throw new Error('already open');
      return [{ type: 'Opened', data: { n: 0 } }];
    }
    return [{ type: 'Touched', data: { n: state.events } }];
  },
};
const toEvent = (r: RecordedEvent): Event => ({ type: r.type as Event['type'], data: r.data as Event['data'] });

describe('handleCommand', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterEach(() => store.close());

  it('reads the stream before deciding, by default', async () => {
    const read = vi.spyOn(store, 'readStream');
    await handleCommand(store, 's-1', { type: 'Open' }, decider, { toEvent });
    expect(read).toHaveBeenCalledTimes(1);
  });

  describe('newStream', () => {
    it('appends to a new stream without reading it', async () => {
      const read = vi.spyOn(store, 'readStream');
      const append = vi.spyOn(store, 'append');
      const result = await handleCommand(store, 's-2', { type: 'Open' }, decider, { toEvent, newStream: true, metadata: { m: 1 } });
      expect(read).not.toHaveBeenCalled();
      expect(append).toHaveBeenCalledWith('s-2', [{ type: 'Opened', data: { n: 0 }, metadata: { m: 1 } }], { expectedRevision: 'no_stream' });
      expect(result).toEqual({ newEvents: [{ type: 'Opened', data: { n: 0 } }], state: { open: true, events: 1 }, revision: 0 });
      expect((await store.readStream('s-2')).map((e) => e.type)).toEqual(['Opened']);
    });

    it('decides on what the stream holds when it exists after all: the decider refuses, nothing is appended', async () => {
      await handleCommand(store, 's-3', { type: 'Open' }, decider, { toEvent });
      const read = vi.spyOn(store, 'readStream');
      await expect(handleCommand(store, 's-3', { type: 'Open' }, decider, { toEvent, newStream: true })).rejects.toThrow('already open');
      expect(read).toHaveBeenCalledTimes(1);
      expect(await store.readStream('s-3')).toHaveLength(1);
    });

    it('appends after the events already there when the stream exists after all and the decider accepts', async () => {
      await handleCommand(store, 's-4', { type: 'Open' }, decider, { toEvent });
      // retries 0: the wrong guess is not a lost race, so it does not use up the retries.
      const result = await handleCommand(store, 's-4', { type: 'Touch' }, decider, { toEvent, newStream: true, retries: 0 });
      expect(result).toMatchObject({ newEvents: [{ type: 'Touched', data: { n: 1 } }], revision: 1 });
      expect((await store.readStream('s-4')).map((e) => e.type)).toEqual(['Opened', 'Touched']);
    });

    it('reads the stream before answering "nothing to do"', async () => {
      await handleCommand(store, 's-5', { type: 'Open' }, decider, { toEvent });
      const result = await handleCommand(store, 's-5', { type: 'Noop' }, decider, { toEvent, newStream: true });
      expect(result).toEqual({ newEvents: [], state: { open: true, events: 1 }, revision: 0 });
    });

    it('still gives up after the retries when the races are lost', async () => {
      const conflict = new WrongExpectedRevisionError('s-6', 'no_stream', 0);
      const append = vi.spyOn(store, 'append').mockRejectedValue(conflict);
      await expect(handleCommand(store, 's-6', { type: 'Touch' }, decider, { toEvent, newStream: true, retries: 2 })).rejects.toBe(conflict);
      // The unread first attempt, then the first try and 2 retries on the read stream.
      expect(append).toHaveBeenCalledTimes(4);
    });
  });
});
