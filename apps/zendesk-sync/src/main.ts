import { runService } from '@support-desk/composition-root';
import { zendeskSync } from './app';

await runService(zendeskSync);
