import { runService } from '@support-desk/composition-root';
import { fileService } from './app';

await runService(fileService);
