import { runService } from '@support-desk/runtime';
import { buildQueryService } from './app';

await runService('query-service', 3003, buildQueryService);
