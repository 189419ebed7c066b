import 'server-only';
import { getDb } from '../lib/db';
import { loadInventoryFile } from './inventory-file';
import { startAgent, type RunningAgent } from './poller/start-agent';
import { leaseOptionsFor } from './lease/lease-mode';
import { wireAgentRemediation } from './remediation/wire';
import { currentRetention } from '../lib/storage/store/retention-settings';
import { readAgentSettings } from '../lib/settings/agent-settings';
import { errorMessage } from '../lib/errors';

// The agent inside the Next.js server (the embedded default), started once per process by
// instrumentation.ts; dev-mode reloads find it on globalThis.
const holder = globalThis as unknown as { __fnhAgent?: Promise<RunningAgent | undefined> };

async function start(): Promise<RunningAgent | undefined> {
  // The same settings as `npm run agent` (lib/settings), from the environment.
  const settings = readAgentSettings(process.env);
  const inventoryPath = settings.inventory;
  if (!inventoryPath) {
    console.log('agent: FNH_INVENTORY is not set; serving stored data without polling');
    return undefined;
  }
  let inventory;
  try {
    inventory = loadInventoryFile(inventoryPath);
  } catch (err) {
    // A bad inventory stops start-up with file, line and field.
    console.error(errorMessage(err));
    process.exit(2);
  }
  const db = await getDb();
  const agent = await startAgent({
    db,
    inventory,
    pool: { byteBudget: settings.byteBudget },
    poller: settings.poller,
    // On PostgreSQL the embedded agent shares the fleet with `npm run agent` processes; on PGlite it polls all.
    lease: leaseOptionsFor(settings.leaseMode, db.kind, {
      leaseMs: settings.leaseMs,
      ...(settings.agentId ? { agentId: settings.agentId } : {}),
    }),
    // Retention (FNH_RETENTION, FNH_RETAIN_*) and, on PGlite, VACUUM and CHECKPOINT on a schedule.
    maintenance: { retention: currentRetention() },
  });
  console.log(
    agent.lease
      ? `agent ${agent.lease.agentId}: sharing ${inventory.nodes.length} nodes from ${inventoryPath} through leases`
      : `agent: polling ${inventory.nodes.length} nodes from ${inventoryPath}`,
  );
  // Remediation runs over this agent's SSH connections (intents left open by a crash are closed first);
  // with leases, over the lease holder's, which takes the work addressed to its nodes (agents/remediation).
  await wireAgentRemediation(agent, db);
  return agent;
}

export function startEmbeddedAgent(): Promise<RunningAgent | undefined> {
  holder.__fnhAgent ??= start();
  return holder.__fnhAgent;
}
