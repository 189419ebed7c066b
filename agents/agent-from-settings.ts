import type { Db } from '../lib/db/types';
import type { Inventory } from '../lib/inventory/schema';
import type { AgentSettings } from '../lib/settings/agent-settings';
import { currentRetention } from '../lib/storage/store/retention-settings';
import type { LeaseOptions } from './lease/lease-keeper';
import { startAgent, type RunningAgent } from './poller/start-agent';
import { wireAgentRemediation } from './remediation/wire';

/**
 * The agent as every entry point runs it (`npm run agent`, the embedded agent in the server's thread or in its
 * worker thread): polling with the settings' pool and poller options, the given lease mode, retention and store
 * maintenance (FNH_RETENTION, FNH_RETAIN_*; on PGlite also VACUUM and CHECKPOINT), then remediation over its SSH
 * connections: in-process, or with leases the work any dashboard stored for the nodes it holds (agents/remediation).
 */
export async function startAgentFromSettings(db: Db, inventory: Inventory, settings: AgentSettings, lease: LeaseOptions | false): Promise<RunningAgent> {
  const agent = await startAgent({
    db,
    inventory,
    pool: { byteBudget: settings.byteBudget },
    poller: settings.poller,
    lease,
    maintenance: { retention: currentRetention() },
  });
  await wireAgentRemediation(agent, db);
  return agent;
}
