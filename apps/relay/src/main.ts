import { runService } from '@support-desk/runtime';
import { buildRelay } from './app';

await runService('relay', 3005, buildRelay);
