import type { BusMessage, BusSubscription, EventBus } from '@support-desk/event-bus';
import { EventStoreUnavailableError } from '@support-desk/event-store';
import { retryThroughOutage } from '@support-desk/service-kit/outage';
import { toTicketEvent } from '@support-desk/ticket-domain';
import type { TicketSyncer } from './ticket-syncer';

export const ZENDESK_SYNC_GROUP = 'zendesk-sync';

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

/**
 * Joins the zendesk-sync consumer group. Without a syncer (Zendesk not
 * configured) it says so once and does not join, so nothing is marked handled:
 * once configured, the group starts from its checkpoint and the backlog syncs.
 */
export async function startZendeskSync(bus: EventBus, syncer: TicketSyncer | undefined, log: Log): Promise<BusSubscription | undefined> {
  if (!syncer) {
    log.warn(
      { group: ZENDESK_SYNC_GROUP },
      'Zendesk sync is off: set ZENDESK_SUBDOMAIN (or ZENDESK_URL) and ZENDESK_OAUTH_TOKEN (or ZENDESK_EMAIL + ZENDESK_API_TOKEN); tickets sync from where they stopped once it is on',
    );
    return undefined;
  }
  const stopping = new AbortController();
  // The event store being down (e.g. PostgreSQL restarting) is not the event's fault: wait it out
  // (up to 5 min) rather than spend the bus's few quick tries and dead-letter a ticket that would
  // then need an admin's retry. Any other error takes the bus's usual path.
  const outage = { log, signal: stopping.signal, isOutage: (error: unknown) => error instanceof EventStoreUnavailableError };
  const subscription = await bus.subscribe(ZENDESK_SYNC_GROUP, (message) =>
    retryThroughOutage('zendesk-sync (event store)', () => handleZendeskMessage(syncer, message), outage),
  );
  log.info({ group: ZENDESK_SYNC_GROUP }, 'Zendesk sync is on');
  return {
    async stop() {
      // Abort Zendesk waits first, or stopping would sit out a back-off.
      syncer.stop();
      stopping.abort();
      await subscription.stop();
    },
  };
}

/**
 * Zendesk faults end in TicketSyncFailed inside the syncer; what throws here
 * (event store down, shutdown) is left to the bus to redeliver.
 */
export async function handleZendeskMessage(syncer: TicketSyncer, { event }: BusMessage): Promise<void> {
  const ticketEvent = toTicketEvent(event);
  switch (ticketEvent?.type) {
    case 'TicketRequested':
      await syncer.syncTicket(ticketEvent.data.recordId);
      return;
    case 'SupportFileUploaded': {
      const { recordId, fileType, fileName, contentType, size, blobKey } = ticketEvent.data;
      await syncer.syncFile(recordId, { fileType, fileName, contentType, size, blobKey });
      return;
    }
    case 'UserReplied':
      await syncer.syncReply(ticketEvent.data.recordId, ticketEvent.data.replyId);
      return;
    default:
      return;
  }
}
