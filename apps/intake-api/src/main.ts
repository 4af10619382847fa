import { runService } from '@support-desk/composition-root';
import { buildIntakeApi } from './app';

await runService('intake-api', 3001, buildIntakeApi);
