import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { describeWithRealServer, findPostgres, runId } from '@support-desk/service-kit/testing';
import { EventStoreUnavailableError, type RecordedEvent } from '../event-store.port';
import { PostgresEventStore } from './postgres-event-store';
import { dropSchema, TcpProxy, uniqueSchema } from './postgres-test-support';

// Outages are made with a TCP proxy in front of the shared server, so nothing
// else using that server is disturbed.
describeWithRealServer('PostgresEventStore when the server goes away', await findPostgres(), (endpoint) => {
  const schema = uniqueSchema('faults');
  const opened: PostgresEventStore[] = [];
  let proxy: TcpProxy;
  let direct: PostgresEventStore;

  const open = async (url: string, options: Parameters<typeof PostgresEventStore.connect>[1] = {}) => {
    const store = await PostgresEventStore.connect(url, { schema, poolSize: 2, onConnectionError: () => undefined, ...options });
    opened.push(store);
    return store;
  };
  const event = (n: number) => [{ type: 'E', data: { n } }];

  beforeAll(async () => {
    proxy = await TcpProxy.start(endpoint().url);
    // Another process, still connected, writing while the proxied one is cut off.
    direct = await open(endpoint().url);
  });
  afterEach(() => proxy.restore());
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await proxy?.stop();
    await dropSchema(endpoint().url, schema);
  });

  it('fails an append fast with EventStoreUnavailableError while the server refuses connections, and works again after', async () => {
    // Refused is known at once: it must not wait for the connect timeout.
    const store = await open(proxy.urlFor(endpoint().url), { connectTimeoutMs: 5_000 });
    const stream = `refused${runId()}`;
    await store.append(stream, event(1), { expectedRevision: 'no_stream' });
    proxy.cut('refuse');
    const started = Date.now();
    await expect(store.append(stream, event(2), { expectedRevision: 0 })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(store.readStream(stream)).rejects.toMatchObject({ code: 'EVENT_STORE.UNAVAILABLE', retryAfterSeconds: 1 });
    proxy.restore();
    await store.append(stream, event(2), { expectedRevision: 0 });
    expect(await direct.readStream(stream)).toHaveLength(2);
  });

  it('gives up on a server that accepts but never answers after the connect timeout', async () => {
    const store = await open(proxy.urlFor(endpoint().url), { connectTimeoutMs: 500 });
    proxy.cut('blackhole');
    const started = Date.now();
    await expect(store.append(`silent${runId()}`, event(1), { expectedRevision: 'any' })).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    // And a process starting meanwhile does not hang either.
    await expect(PostgresEventStore.connect(proxy.urlFor(endpoint().url), { schema, connectTimeoutMs: 500 })).rejects.toBeInstanceOf(
      EventStoreUnavailableError,
    );
  });

  it('resumes a subscription by itself after an outage: catches up, then follows NOTIFYs again', async () => {
    const prefix = `outage${runId()}-`;
    // A poll this slow never fires within the test: every delivery below comes
    // from the (re)connected LISTEN connection or the catch-up it triggers.
    const store = await open(proxy.urlFor(endpoint().url), { pollIntervalMs: 600_000 });
    const seen: RecordedEvent[] = [];
    const sub = store.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      await direct.append(`${prefix}s`, event(1), { expectedRevision: 'no_stream' });
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 5_000 });

      proxy.cut('refuse');
      await direct.append(`${prefix}s`, event(2), { expectedRevision: 0 });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(seen).toHaveLength(1);

      proxy.restore();
      await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 10_000 });
      await direct.append(`${prefix}s`, event(3), { expectedRevision: 1 });
      await vi.waitFor(() => expect(seen.map((e) => e.data.n)).toEqual([1, 2, 3]), { timeout: 5_000 });
    } finally {
      await sub.stop();
    }
  });

  it('gets past connections that went silent (a network partition): appends fail in time, the subscription resumes on new ones', async () => {
    const prefix = `partition${runId()}-`;
    const timeouts = { statementTimeoutMs: 500, connectTimeoutMs: 500, listenHeartbeatMs: 300 };
    const store = await open(proxy.urlFor(endpoint().url), { pollIntervalMs: 600_000, ...timeouts });
    const seen: RecordedEvent[] = [];
    const sub = store.subscribeToAll({ streamPrefix: prefix }, async (e) => void seen.push(e));
    try {
      await direct.append(`${prefix}s`, event(1), { expectedRevision: 'no_stream' });
      await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 5_000 });

      proxy.cut('partition');
      const started = Date.now();
      await expect(store.append(`${prefix}mine`, event(0), { expectedRevision: 'any' })).rejects.toBeInstanceOf(EventStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
      await direct.append(`${prefix}s`, event(2), { expectedRevision: 0 });

      // The old connections stay silent for good; only new ones get through.
      proxy.heal();
      await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 15_000 });
      // Woken by NOTIFY again: the heartbeat replaced the silent LISTEN connection.
      await direct.append(`${prefix}s`, event(3), { expectedRevision: 1 });
      await vi.waitFor(() => expect(seen.map((e) => e.data.n)).toEqual([1, 2, 3]), { timeout: 5_000 });
    } finally {
      await sub.stop();
    }
  });
});
