import { runService } from '@support-desk/runtime';
import { buildZendeskSync } from './app';

await runService('zendesk-sync', 3004, buildZendeskSync);
