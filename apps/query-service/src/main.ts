import { runService } from '@support-desk/composition-root';
import { buildQueryService } from './app';

await runService('query-service', 3003, buildQueryService);
