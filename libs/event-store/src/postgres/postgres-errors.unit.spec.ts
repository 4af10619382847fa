import { describe, expect, it } from 'vitest';
import { EventStoreUnavailableError } from '../event-store.port';
import { isUnavailable, toStoreError } from './postgres-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('which PostgreSQL failures mean "unavailable, retry later"', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['server shutting down (57P01)', withCode('57P01')],
    ['server starting up (57P03)', withCode('57P03')],
    ['too many connections (53300)', withCode('53300')],
    ['statement timeout (57014)', withCode('57014')],
    ['connection exception class 08', withCode('08006')],
    ['pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['dropped connection', new Error('Connection terminated unexpectedly')],
    ['every address refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
  ])('%s', (_, error) => {
    expect(isUnavailable(error)).toBe(true);
    const mapped = toStoreError(error, 'appending');
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as EventStoreUnavailableError).cause).toBe(error);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['unknown database', withCode('3D000')],
    ['bad password', withCode('28P01')],
    ['a bug', new TypeError('x is undefined')],
  ])('not: %s', (_, error) => {
    expect(isUnavailable(error)).toBe(false);
    expect(toStoreError(error, 'appending')).toBe(error);
  });
});
