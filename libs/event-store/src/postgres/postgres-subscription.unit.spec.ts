import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../event-store.port';
import { encodePosition, type PgPosition } from './postgres-position';
import { PostgresSubscription, type EventSource } from './postgres-subscription';
import { Wakeup } from './wakeup';

const event = (n: number): RecordedEvent => ({
  id: `e${n}`,
  streamId: `s${n}`,
  type: 'Happened',
  data: {},
  metadata: {},
  revision: 0,
  position: encodePosition({ transactionId: BigInt(n), globalPosition: BigInt(n) }),
  recordedAt: 0,
});

/**
 * A store under steady load: each read lets one more event through, and every read
 * also sees a later one held back by some other short transaction. No NOTIFY comes
 * (the blockers are writes that do not notify): only the held-back poll finds them.
 */
function busyStore(total: number): EventSource & { reads: number } {
  let released = 0;
  return {
    reads: 0,
    async readAllAfter(after: PgPosition) {
      this.reads++;
      if (released < total) released++;
      const next = Number(after.transactionId) + 1;
      return next <= released ? [event(next)] : [];
    },
    async hasHeldBackEvents() {
      return true;
    },
  };
}

describe('PostgresSubscription, events held back under steady load', () => {
  it('polls again soon after every read that got something through, not ever less often', async () => {
    const source = busyStore(12);
    const seen: string[] = [];
    // The old back-off doubled per held-back read even with progress: the 12th event came after 10+20+…+10·2^10 ms, about 20 s.
    const subscription = new PostgresSubscription(
      source,
      new Wakeup(),
      {},
      async (e) => void seen.push(e.id),
      { pollIntervalMs: 60_000, heldBackPollMs: 10 },
      () => undefined,
    );
    subscription.start();
    try {
      await expect.poll(() => seen.length, { timeout: 1_500, interval: 10 }).toBe(12);
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `e${i + 1}`));
    } finally {
      await subscription.stop();
    }
  });

  it('still backs off while nothing gets through (one old transaction stays open)', async () => {
    const source = busyStore(0);
    const subscription = new PostgresSubscription(
      source,
      new Wakeup(),
      {},
      async () => undefined,
      { pollIntervalMs: 60_000, heldBackPollMs: 10 },
      () => undefined,
    );
    subscription.start();
    try {
      await new Promise((r) => setTimeout(r, 700));
      // 10, 20, 40, 80, 160, 320 ms: about 7 reads in 700 ms, where a fixed 10 ms poll would make ~70.
      expect(source.reads).toBeGreaterThanOrEqual(3);
      expect(source.reads).toBeLessThanOrEqual(9);
    } finally {
      await subscription.stop();
    }
  });
});

describe('PostgresSubscription with a stream prefix', () => {
  it('reads on after how far the last read looked, in one round trip per read', async () => {
    const scanned = { transactionId: 900n, globalPosition: 4_000n };
    const afters: PgPosition[] = [];
    let heldBackAsked = 0;
    const source: EventSource = {
      readAllAfter: async () => {
        throw new Error('a prefix read goes through readPrefixAfter');
      },
      hasHeldBackEvents: async () => {
        heldBackAsked++;
        return false;
      },
      readPrefixAfter: async (after) => {
        afters.push(after);
        // Nothing of the prefix yet, other streams' events up to `scanned`.
        return { events: [], scannedTo: afters.length === 1 ? scanned : undefined, heldBack: false };
      },
    };
    const wakeup = new Wakeup();
    const subscription = new PostgresSubscription(
      source,
      wakeup,
      { streamPrefix: 'erasure-' },
      async () => undefined,
      { pollIntervalMs: 60_000, heldBackPollMs: 10 },
      () => undefined,
    );
    subscription.start();
    try {
      await expect.poll(() => afters.length).toBe(1);
      wakeup.signal(); // an append elsewhere
      await expect.poll(() => afters.length).toBe(2);
      expect(afters[0]).toEqual({ transactionId: 0n, globalPosition: 0n });
      expect(afters[1]).toEqual(scanned);
      expect(heldBackAsked).toBe(0);
    } finally {
      await subscription.stop();
    }
  });
});
