import { runService } from '@support-desk/composition-root';
import { buildZendeskSync } from './app';

await runService('zendesk-sync', 3004, buildZendeskSync);
