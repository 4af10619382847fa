import { runService } from '@support-desk/composition-root';
import { relayService } from './app';

await runService(relayService);
