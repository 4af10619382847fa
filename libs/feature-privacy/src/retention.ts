import { isErased } from '@support-desk/contracts';
import type { EventStore } from '@support-desk/event-store';
import type { TicketReadModel } from '@support-desk/read-model';
import { eraseUser } from './erase-user';
import type { ErasureLog } from './erasure-worker';
import { loadErasure } from './erasure-stream';
import { loadUserTickets, type UserTicket } from './user-data';

/** Zendesk's statuses of a ticket that is over (TicketStatusChanged, upper case). */
export const CLOSED_STATUSES = ['CLOSED', 'SOLVED'] as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a user's data is past retention. The data key is per user, so
 * retention erases a user, never half of one: only when EVERY ticket of theirs
 * is closed or solved, the last of them longer than `days` ago. One open ticket
 * keeps all of them (the user is still being helped).
 */
export function isPastRetention(tickets: readonly Pick<UserTicket, 'status'>[], now: number, days: number): boolean {
  if (tickets.length === 0) return false;
  const cutoff = now - days * DAY_MS;
  return tickets.every((t) => t.status !== null && (CLOSED_STATUSES as readonly string[]).includes(t.status.status) && t.status.changedAt <= cutoff);
}

export type RetentionDeps = {
  store: EventStore;
  readModel: Pick<TicketReadModel, 'search'>;
  log: ErasureLog;
  days: number;
  now?: () => number;
};

export type RetentionRun = { candidates: number; erasuresRequested: number; skipped: number };

const PAGE = 100;

/**
 * One run: users with a closed or solved ticket (the read model's status) are
 * candidates; each is checked against its streams (the truth, with Zendesk's
 * dates) and erased the same way an admin would, as requested by `retention`.
 */
export async function runRetention(deps: RetentionDeps): Promise<RetentionRun> {
  const now = (deps.now ?? Date.now)();
  const uuids = new Set<string>();
  for (const ticketStatus of CLOSED_STATUSES) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await deps.readModel.search({ ticketStatus }, { limit: PAGE, offset });
      for (const view of page.items) if (!isErased(view.uuid)) uuids.add(view.uuid);
      if (!page.hasMore || page.items.length === 0) break;
    }
  }
  const run: RetentionRun = { candidates: uuids.size, erasuresRequested: 0, skipped: 0 };
  deps.log.info({ job: 'retention', days: deps.days, candidates: run.candidates }, 'retention run started');
  let checked = 0;
  for (const uuid of uuids) {
    checked++;
    // Running already; a finished erasure does not stop this one (these views are tickets made since).
    if ((await loadErasure(deps.store, uuid)).status === 'requested') {
      run.skipped++;
      continue;
    }
    const tickets = await loadUserTickets(deps, uuid);
    if (!isPastRetention(tickets, now, deps.days)) {
      run.skipped++;
      continue;
    }
    const lastClosed = Math.max(...tickets.map((t) => t.status!.changedAt));
    const result = await eraseUser(deps, {
      uuid,
      requestedBy: 'retention',
      reason: `RETENTION_DAYS=${deps.days}: every ticket closed or solved, the last on ${new Date(lastClosed).toISOString().slice(0, 10)}`,
    });
    if (result.outcome === 'requested') {
      run.erasuresRequested++;
      deps.log.info(
        { job: 'retention', erasureId: result.status.erasureId, uuid, tickets: tickets.length, progress: `${checked}/${run.candidates}` },
        'retention: erasure requested',
      );
    }
  }
  deps.log.info({ job: 'retention', days: deps.days, ...run }, 'retention run finished');
  return run;
}

export type RetentionJob = { stop(): Promise<void> };

/**
 * Runs `runRetention` every `intervalMs`, each wait jittered by up to 10 % (so
 * several processes do not all run at once; a second run finds the erasures the
 * first requested and skips them). A failed run is logged and tried next time.
 */
export function startRetentionJob(deps: RetentionDeps & { intervalMs: number; random?: () => number }): RetentionJob {
  const random = deps.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(tick, Math.round(deps.intervalMs * (0.9 + 0.2 * random())));
    timer.unref();
  };
  const tick = () => {
    running = runRetention(deps)
      .catch((err: unknown) => deps.log.error({ err, job: 'retention' }, 'retention run failed; next run at the next interval'))
      .finally(schedule);
  };
  deps.log.info({ job: 'retention', days: deps.days, intervalMs: deps.intervalMs }, 'retention job scheduled');
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
