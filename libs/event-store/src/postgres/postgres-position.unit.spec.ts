import { describe, expect, it } from 'vitest';
import { comparePositions, decodePosition, encodePosition } from './postgres-position';

describe('PostgreSQL event store positions', () => {
  it('round-trips transaction id and global position, beyond 2^53', () => {
    const position = { transactionId: 2n ** 60n + 7n, globalPosition: 9_007_199_254_740_993n };
    expect(decodePosition(encodePosition(position))).toEqual(position);
    expect(encodePosition({ transactionId: 7421n, globalPosition: 1093n })).toBe('7421/1093');
  });

  it('orders by transaction first, then position', () => {
    const p = (t: bigint, g: bigint) => ({ transactionId: t, globalPosition: g });
    expect(comparePositions(p(9n, 100n), p(10n, 5n))).toBeLessThan(0);
    expect(comparePositions(p(10n, 6n), p(10n, 5n))).toBeGreaterThan(0);
    expect(comparePositions(p(10n, 5n), p(10n, 5n))).toBe(0);
  });

  it.each(['1234', '', '1/2/3', '-1/2', 'a/b', '1/'])('refuses %j, e.g. a SQLite or EventStoreDB position', (text) => {
    expect(() => decodePosition(text)).toThrow(/Not a PostgreSQL event store position/);
  });
});
