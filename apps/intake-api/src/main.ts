import { runService } from '@support-desk/composition-root';
import { intakeApi } from './app';

await runService(intakeApi);
