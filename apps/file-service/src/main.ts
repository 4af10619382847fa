import { runService } from '@support-desk/runtime';
import { buildFileService } from './app';

await runService('file-service', 3002, buildFileService);
