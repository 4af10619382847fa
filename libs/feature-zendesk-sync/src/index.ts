export { startZendeskSync, handleZendeskMessage, ZENDESK_SYNC_GROUP } from './ticket-sync.worker';
export { TicketSyncer, type TicketSyncerDeps, type SyncOutcome } from './ticket-syncer';
export { zendeskSyncPlugin, type ZendeskRoutesDeps } from './zendesk-sync.plugin';
export { signZendeskWebhook, verifyZendeskWebhook } from './webhook-signature';
export { RateLimiter } from './rate-limiter';
export type { ZendeskAuth, ZendeskSettings, ZendeskWebhookSettings } from './zendesk-settings';
export { endpointOf, type ZendeskInstruments } from './zendesk-instruments';
export { UserNotifier, signUserNotification, type UserNotification, type UserNotifierSettings } from './user-notifier';
export { agentReplyNotifier } from './agent-reply-notifier';
