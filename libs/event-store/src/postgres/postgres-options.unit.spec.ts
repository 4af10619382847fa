import { describe, expect, it } from 'vitest';
import { clientConfig, isPostgresUrl, postgresEventStoreConfigSchema, postgresOptionsFromConfig, resolveOptions } from './postgres-options';

describe('PostgreSQL event store options', () => {
  it('selects the adapter by URL scheme', () => {
    expect(['postgres://h/db', 'postgresql://u:p@h:5432/db', 'POSTGRES://h/db'].map(isPostgresUrl)).toEqual([true, true, true]);
    expect(['esdb://h:2113?tls=false', 'mongodb://h/db', '', 'file:events.db'].map(isPostgresUrl)).toEqual([false, false, false, false]);
  });

  it('has defaults for every setting, and reads each from the environment', () => {
    expect(postgresOptionsFromConfig(postgresEventStoreConfigSchema.parse({}))).toEqual({
      schema: 'eventstore',
      poolSize: 10,
      statementTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      durability: 'fsync',
    });
    const env = {
      EVENTSTORE_PG_SCHEMA: 'desk',
      EVENTSTORE_PG_POOL_SIZE: '20',
      EVENTSTORE_PG_STATEMENT_TIMEOUT_MS: '0',
      EVENTSTORE_PG_CONNECT_TIMEOUT_MS: '2000',
      EVENTSTORE_DURABILITY: 'os',
    };
    expect(postgresOptionsFromConfig(postgresEventStoreConfigSchema.parse(env))).toEqual({
      schema: 'desk',
      poolSize: 20,
      statementTimeoutMs: 0,
      connectTimeoutMs: 2_000,
      durability: 'os',
    });
  });

  it.each([
    ['EVENTSTORE_DURABILITY', 'disk'],
    ['EVENTSTORE_PG_POOL_SIZE', '0'],
    ['EVENTSTORE_PG_POOL_SIZE', 'ten'],
    ['EVENTSTORE_PG_CONNECT_TIMEOUT_MS', '-1'],
    ['EVENTSTORE_PG_SCHEMA', 'Event-Store'],
  ])('refuses %s=%s, naming it', (name, value) => {
    const result = postgresEventStoreConfigSchema.safeParse({ [name]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([name]);
  });

  it('puts synchronous_commit in the startup options, after any options the URL carries', () => {
    const fsync = clientConfig('postgres://u@h:5432/db', resolveOptions({}));
    expect(fsync).toMatchObject({ connectionString: 'postgres://u@h:5432/db', options: '-c synchronous_commit=on', statement_timeout: 10_000, max: 10 });
    // The client waits for an answer a little longer than the server may take.
    expect(fsync).toMatchObject({ connectionTimeoutMillis: 5_000, query_timeout: 15_000 });
    expect(clientConfig('postgres://h/db', resolveOptions({ statementTimeoutMs: 0 })).query_timeout).toBeUndefined();
    const os = clientConfig('postgresql://u@h/db?options=-c%20search_path%3Dx&sslmode=require', resolveOptions({ durability: 'os' }));
    expect(os.options).toBe('-c search_path=x -c synchronous_commit=off');
    expect(os.connectionString).toBe('postgresql://u@h/db?sslmode=require');
  });
});
