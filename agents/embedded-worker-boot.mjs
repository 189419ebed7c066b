// The embedded agent's worker thread starts here (agents/embedded.ts): the server's bundle cannot load TypeScript
// in a new thread, so this registers tsx (as `node --import tsx` does for `npm run agent`) and then loads the
// worker. The thread is started with `--conditions=react-server`, as `npm run agent` is, for `server-only`.
import { register } from 'tsx/esm/api';

register();
await import('./embedded-worker.ts');
