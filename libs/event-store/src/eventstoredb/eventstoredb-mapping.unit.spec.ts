import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { decodePosition, encodePosition, fromEsdbCurrentRevision, toEsdbExpectedRevision } from './eventstoredb-mapping';

// The EventStoreDB contract suite needs a server; these pure mappings are checked here on every run.
describe('EventStoreDB mapping', () => {
  it('round-trips a $all position through its checkpoint string', () => {
    const position = { commit: 18446744073709551000n, prepare: 42n };
    expect(encodePosition(position)).toBe('18446744073709551000/42');
    expect(decodePosition(encodePosition(position))).toEqual(position);
  });

  it('refuses a checkpoint that is not an EventStoreDB position', () => {
    for (const bad of ['', '12', '1/2/3', 'a/b', '-1/2']) expect(() => decodePosition(bad)).toThrow(/Not an EventStoreDB position/);
  });

  it('maps expected and actual revisions both ways', () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(7)).toBe(7n);
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no_stream');
    expect(fromEsdbCurrentRevision(3n)).toBe(3);
  });
});
