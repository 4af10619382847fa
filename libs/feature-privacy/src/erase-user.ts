import { randomUUID } from 'node:crypto';
import type { ErasureStatus } from '@support-desk/contracts';
import type { EventStore } from '@support-desk/event-store';
import { erasureStatusOf } from './erasure-status';
import { loadErasure, runErasureCommand } from './erasure-stream';
import { erasureTargets, loadUserTickets, type UserDataSources } from './user-data';

export type EraseUserInput = { uuid: string; requestedBy: string; reason: string };

export type EraseUserResult =
  | { outcome: 'requested'; status: ErasureStatus }
  /** One is running, or is done and nothing was held since: its status, no second erasure. */
  | { outcome: 'exists'; status: ErasureStatus }
  /** Nothing is held about that uuid (no ticket of theirs). */
  | { outcome: 'unknown-user' };

export type EraseUserDeps = UserDataSources & { store: EventStore; newId?: () => string; now?: () => number };

/**
 * Starts the erasure of a user: lists what the steps will work on (tickets,
 * Zendesk tickets, blob keys) while it is still readable, and appends
 * UserErasureRequested; the workers do the rest (erasure-worker.ts). Used by the
 * admin route and by the retention job.
 */
export async function eraseUser(deps: EraseUserDeps, input: EraseUserInput): Promise<EraseUserResult> {
  const existing = await loadErasure(deps.store, input.uuid);
  if (existing.status === 'requested') return { outcome: 'exists', status: erasureStatusOf(existing) };
  // Erased views carry no uuid any more: what is found is data the user left since (a ticket after the erasure).
  const tickets = await loadUserTickets(deps, input.uuid);
  if (existing.status === 'erased' && tickets.length === 0) return { outcome: 'exists', status: erasureStatusOf(existing) };
  if (tickets.length === 0) return { outcome: 'unknown-user' };
  const data = {
    erasureId: (deps.newId ?? randomUUID)(),
    uuid: input.uuid,
    requestedBy: input.requestedBy,
    reason: input.reason,
    requestedAt: (deps.now ?? Date.now)(),
    ...erasureTargets(tickets),
  };
  const result = await runErasureCommand(deps.store, input.uuid, { type: 'RequestErasure', data });
  if (result.state.status === 'none') throw new Error(`Erasure of ${input.uuid} was not recorded`);
  // A racing request won: answer with that one.
  return { outcome: result.newEvents.length > 0 ? 'requested' : 'exists', status: erasureStatusOf(result.state) };
}
