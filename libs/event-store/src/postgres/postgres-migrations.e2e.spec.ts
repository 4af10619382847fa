import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { describeWithRealServer, findPostgres } from '@support-desk/service-kit/testing';
import { PostgresEventStore } from './postgres-event-store';
import { migrate, MIGRATIONS, type Migration } from './postgres-migrations';
import { dropSchema, uniqueSchema } from './postgres-test-support';

describeWithRealServer('PostgresEventStore migrations', await findPostgres(), (endpoint) => {
  const schemas: string[] = [];
  const pools: pg.Pool[] = [];
  const fresh = (purpose: string) => {
    const schema = uniqueSchema(purpose);
    schemas.push(schema);
    return schema;
  };
  const pool = () => {
    const p = new pg.Pool({ connectionString: endpoint().url, max: 1 });
    pools.push(p);
    return p;
  };
  const recorded = async (schema: string) =>
    (await pool().query<{ version: number }>(`SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_migrations ORDER BY version`)).rows.map(
      (r) => r.version,
    );

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    for (const schema of schemas) await dropSchema(endpoint().url, schema);
  });

  it('creates the schema once when several processes start at the same moment', async () => {
    const schema = fresh('start');
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresEventStore.connect(endpoint().url, { schema, poolSize: 1 })));
    try {
      expect(await recorded(schema)).toEqual(MIGRATIONS.map((m) => m.version));
      await stores[0]!.append('s', [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' });
      expect(await stores[5]!.readStream('s')).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('applies each migration exactly once across concurrent runs, and a new one on the next start', async () => {
    const schema = fresh('concurrent');
    const runs = await Promise.all(Array.from({ length: 5 }, () => migrate(pool(), schema)));
    expect(runs.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));

    const next: Migration = { version: 1000, name: 'test: a later migration', sql: (t) => `CREATE TABLE ${t.schema}.later (id int)` };
    const again = await Promise.all(Array.from({ length: 3 }, () => migrate(pool(), schema, [...MIGRATIONS, next])));
    expect(again.flat()).toEqual([1000]);
    expect(await recorded(schema)).toEqual([...MIGRATIONS.map((m) => m.version), 1000]);
  });

  it('leaves no trace of a migration that fails half-way', async () => {
    const schema = fresh('failing');
    await migrate(pool(), schema);
    const broken: Migration = {
      version: 1001,
      name: 'test: fails',
      sql: (t) => `CREATE TABLE ${t.schema}.half (id int); SELECT no_such_column FROM ${t.events}`,
    };
    await expect(migrate(pool(), schema, [...MIGRATIONS, broken])).rejects.toThrow(/no_such_column/);
    expect(await recorded(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    const { rows } = await pool().query('SELECT to_regclass($1) AS t', [`${schema}.half`]);
    expect(rows[0].t).toBeNull();
  });
});
