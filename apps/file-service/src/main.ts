import { runService } from '@support-desk/composition-root';
import { buildFileService } from './app';

await runService('file-service', 3002, buildFileService);
