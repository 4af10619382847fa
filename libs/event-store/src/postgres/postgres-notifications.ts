import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { waitBackoff } from '../retry-backoff';
import type { Wakeup } from './wakeup';

/**
 * One LISTEN connection per store, outside the pool (a pooled connection would be
 * handed to other queries), turning NOTIFYs of appends into wake-ups. When the
 * connection drops it reconnects with back-off and wakes everyone once it is back:
 * whatever was appended meanwhile is read then. A heartbeat query notices a
 * connection that died silently. Started by the first subscription.
 */
export class AppendNotifications {
  private client: pg.Client | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private endWait: (() => void) | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly wakeup: Wakeup,
    private readonly timing: { heartbeatMs: number; timeoutMs: number },
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.endWait?.();
    void this.client?.end().catch(() => undefined); // also cuts a connect in progress
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.abort.signal.aborted; ) {
      try {
        await this.listenUntilClosed(() => (failures = 0));
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.onError(error);
      }
      await waitBackoff(failures++, this.abort.signal, 100, 5_000);
    }
  }

  /** Resolves or rejects when the connection ends; `onListening` once LISTEN is in place. */
  private async listenUntilClosed(onListening: () => void): Promise<void> {
    const client = new pg.Client(this.config);
    this.client = client;
    let fail: (error: unknown) => void = () => undefined;
    const closed = new Promise<void>((resolve, reject) => {
      fail = reject;
      this.endWait = resolve;
      client.on('error', reject);
      client.on('end', () => resolve());
    });
    closed.catch(() => undefined); // observed below; never an unhandled rejection
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      await client.connect();
      // The payload is the stream appended to ('' from writers that predate it: wakes everyone).
      client.on('notification', (message) => this.wakeup.signal(message.payload));
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      onListening();
      // Events appended while we were not listening are read now.
      this.wakeup.signal();
      heartbeat = setInterval(() => void this.beat(client).catch(fail), this.timing.heartbeatMs);
      if (this.abort.signal.aborted) return;
      await closed;
    } finally {
      clearInterval(heartbeat);
      this.endWait = undefined;
      if (this.client === client) this.client = undefined;
      // end() drops the socket when a query hangs; bounded all the same.
      await Promise.race([client.end().catch(() => undefined), sleep(this.timing.timeoutMs, undefined, { ref: false })]);
    }
  }

  private async beat(client: pg.Client): Promise<void> {
    const timeout = new AbortController();
    try {
      await Promise.race([
        client.query('SELECT 1'),
        sleep(this.timing.timeoutMs, undefined, { signal: timeout.signal }).then(() => {
          throw new Error(`LISTEN connection did not answer within ${this.timing.timeoutMs} ms`);
        }),
      ]);
    } finally {
      timeout.abort();
    }
  }
}
