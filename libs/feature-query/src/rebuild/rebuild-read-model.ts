import { randomUUID } from 'node:crypto';
import { TICKET_STREAM_PREFIX } from '@support-desk/contracts';
import type { EventStore, EventSubscription, RecordedEvent } from '@support-desk/event-store';
import type { TicketReadModel } from '@support-desk/read-model';
import { RebuildFolder, type FolderCounts } from './rebuild-folder';

/**
 * Where a rebuild has got to. `events`: events read (of `totalEvents` when the
 * store could tell); `phase`: reading (bulk fold into the copy), swapping
 * (indexing the copy, last catch-up, switching), done.
 */
export type RebuildProgress = FolderCounts & { phase: 'reading' | 'swapping' | 'done'; events: number; totalEvents?: number; seconds: number };

export type RebuildOptions = {
  eventStore: EventStore;
  readModel: TicketReadModel;
  /** How many events the store holds now, when it can tell (for progress and ETA). */
  totalEvents?: () => Promise<number | undefined>;
  /** Views per write into the copy. */
  batchSize?: number;
  /** Written views kept in memory, so a ticket's next event needs no read. */
  cacheSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops the rebuild; the copy is dropped and the live read model stays as it was. */
  signal?: AbortSignal;
};

/** The stream that marks "caught up to here" (not a ticket stream: the relays never publish it). */
export const REBUILD_MARKER_STREAM = 'read-model-rebuild';
const MARKER_TYPE = 'ReadModelRebuildCaughtUp';

/**
 * Rebuilds the ticket read model from the event store while the live one keeps
 * serving: every event from the start is folded into a fresh copy (see
 * RebuildFolder), and when it has caught up the copy is swapped in, after a
 * last catch-up that the read model runs while no other writer can touch it
 * (see TicketReadModelRebuild.swap).
 *
 * "Caught up" is exact, and needs nothing from the store beyond the port: the
 * rebuild appends a marker event to its own stream and waits until its
 * subscription delivers it; every event appended before the marker has been
 * folded by then.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildProgress> {
  const { eventStore, readModel, signal } = options;
  const started = performance.now();
  const copy = await readModel.beginRebuild();
  const folder = new RebuildFolder(copy, options.batchSize ?? 5_000, options.cacheSize ?? 50_000);
  const totalEvents = await options.totalEvents?.();
  let events = 0;
  let phase: RebuildProgress['phase'] = 'reading';
  const progress = (): RebuildProgress => ({ phase, events, totalEvents, ...folder.counts, seconds: (performance.now() - started) / 1000 });
  const markers = new MarkerWaits(eventStore, signal);
  let failed: unknown;
  let subscription: EventSubscription | undefined;
  try {
    let lastReport = 0;
    subscription = eventStore.subscribeToAll(
      {
        onError: (error) => {
          failed ??= error;
          markers.fail(error);
        },
      },
      async (event) => {
        if (failed !== undefined) throw failed; // a failed rebuild stops folding; the subscription is being stopped
        if (event.streamId === REBUILD_MARKER_STREAM) return markers.seen(event);
        if (!event.streamId.startsWith(TICKET_STREAM_PREFIX)) return;
        await folder.apply(event);
        events++;
        if (events - lastReport >= 10_000) {
          lastReport = events;
          options.onProgress?.(progress());
        }
      },
    );
    await markers.catchUp();
    // Written before the swap indexes the copy: in bulk, and (SQLite) by the copy's writer thread.
    await folder.drain();
    phase = 'swapping';
    options.onProgress?.(progress());
    await copy.swap(async (upsert) => {
      await folder.goLive(upsert);
      await markers.catchUp();
    });
    phase = 'done';
    return progress();
  } catch (error) {
    await subscription?.stop();
    subscription = undefined;
    await copy.discard().catch(() => undefined);
    throw error;
  } finally {
    await subscription?.stop();
    options.onProgress?.(progress());
  }
}

/** Appends markers and resolves when the subscription delivers each. */
class MarkerWaits {
  private readonly waiting = new Map<string, { resolve: () => void; reject: (error: unknown) => void }>();
  private readonly rebuildId = randomUUID();

  constructor(
    private readonly eventStore: EventStore,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => this.fail(new Error('rebuild interrupted')), { once: true });
  }

  async catchUp(): Promise<void> {
    if (this.signal?.aborted) throw new Error('rebuild interrupted');
    const id = randomUUID();
    const seen = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    await this.eventStore.append(REBUILD_MARKER_STREAM, [{ id, type: MARKER_TYPE, data: { rebuildId: this.rebuildId } }], { expectedRevision: 'any' });
    await seen;
  }

  seen(event: RecordedEvent): void {
    this.waiting.get(event.id)?.resolve();
    this.waiting.delete(event.id);
  }

  fail(error: unknown): void {
    for (const wait of this.waiting.values()) wait.reject(error);
    this.waiting.clear();
  }
}
