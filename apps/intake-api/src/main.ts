import { runService } from '@support-desk/runtime';
import { buildIntakeApi } from './app';

await runService('intake-api', 3001, buildIntakeApi);
