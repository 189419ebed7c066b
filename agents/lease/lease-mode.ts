import type { LeaseOptions } from './lease-keeper';
import type { LeaseMode } from '../../lib/settings/settings';

// Whether an agent shares the fleet through leases. `auto` (the default): on PostgreSQL, where other
// agents may share the store, yes; on PGlite, which one process opens, no (the embedded default and `npm run agent`
// on PGlite poll every node with no lease traffic at all). With FNH_AGENT_THREAD=on the embedded agent always holds
// leases (agents/embedded-worker.ts: its dashboard relays actions to the lease holder). The mode and the agent id
// are read with the other settings (lib/settings/settings.ts).

export { leaseModes, parseAgentId, parseLeaseMode, type LeaseMode } from '../../lib/settings/settings';

export function leaseOptionsFor(mode: LeaseMode, dbKind: 'pglite' | 'postgres', opts: LeaseOptions): LeaseOptions | false {
  if (mode === 'off' || (mode === 'auto' && dbKind === 'pglite')) return false;
  return opts;
}
