export { startZendeskSync, ZENDESK_SYNC_GROUP, type ZendeskSyncConfig } from './zendesk-sync.worker';
