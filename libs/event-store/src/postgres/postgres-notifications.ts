import pg from 'pg';
import { waitBackoff } from '../retry-backoff';
import type { Wakeup } from './wakeup';

/**
 * One LISTEN connection per store, outside the pool (a pooled connection would be
 * handed to other queries), turning NOTIFYs of appends into wake-ups. When the
 * connection drops it reconnects with back-off and wakes everyone once it is back:
 * whatever was appended meanwhile is read then. Started by the first subscription.
 */
export class AppendNotifications {
  private client: pg.Client | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly wakeup: Wakeup,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.client?.end().catch(() => undefined);
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
    const closed = new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('end', () => resolve());
    });
    closed.catch(() => undefined); // observed below; never an unhandled rejection
    try {
      await client.connect();
      client.on('notification', () => this.wakeup.signal());
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      onListening();
      // Events appended while we were not listening are read now.
      this.wakeup.signal();
      if (this.abort.signal.aborted) return;
      await closed;
    } finally {
      if (this.client === client) this.client = undefined;
      await client.end().catch(() => undefined);
    }
  }
}
