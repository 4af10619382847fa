import { runService } from '@support-desk/composition-root';
import { supportDesk } from './app';

// `npm start`: the whole API on one port, on embedded adapters under DATA_DIR.
await runService(supportDesk);
