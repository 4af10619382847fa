import type { EventSubscription } from './event-store.port';

type Startable = { start(): void; stop(): Promise<void> };

/** The subscriptions an event store has handed out, so close() can stop them all. */
export class SubscriptionRegistry {
  private readonly live = new Set<Startable>();

  /** Starts `subscription` and returns the handle a caller stops it with. */
  track(subscription: Startable): EventSubscription {
    this.live.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        await subscription.stop();
        this.live.delete(subscription);
      },
    };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((s) => s.stop()));
    this.live.clear();
  }
}
