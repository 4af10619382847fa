import { runService } from '@support-desk/composition-root';
import { buildSupportDesk } from './app';

// `npm start`: the whole API on one port, on embedded adapters under DATA_DIR.
await runService('support-desk', 3000, buildSupportDesk);
