import { runService } from '@support-desk/composition-root';
import { queryService } from './app';

await runService(queryService);
