import type { BusSubscription, EventBus } from '@support-desk/event-bus';

export const ZENDESK_SYNC_GROUP = 'zendesk-sync';

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };

export type ZendeskSyncConfig = { configured: false } | { configured: true };

/**
 * Mirrors tickets into Zendesk. Until Zendesk is configured it says so once and
 * does not join its consumer group, so no event is marked as handled: once it is
 * configured, the group starts from the backlog.
 */
export async function startZendeskSync(_bus: EventBus, config: ZendeskSyncConfig, log: Log): Promise<BusSubscription | undefined> {
  if (!config.configured) {
    log.warn({ group: ZENDESK_SYNC_GROUP }, 'Zendesk sync is off: set ZENDESK_SUBDOMAIN (or ZENDESK_URL) and credentials to mirror tickets into Zendesk');
    return undefined;
  }
  // The Zendesk client is not built yet: say so instead of pretending to sync.
  log.warn({ group: ZENDESK_SYNC_GROUP }, 'Zendesk settings found, but this build has no Zendesk client yet: sync stays off');
  return undefined;
}
