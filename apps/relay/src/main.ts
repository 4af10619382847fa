import { runService } from '@support-desk/composition-root';
import { buildRelay } from './app';

await runService('relay', 3005, buildRelay);
