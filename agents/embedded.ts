import 'server-only';
import { getDb } from '../lib/db';
import { loadInventoryFile } from './inventory-file';
import { startAgent, type RunningAgent } from './poller/start-agent';
import { DEFAULT_MAX_POLL_OUTPUT_BYTES, DEFAULT_POLL_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from './poller/poller';
import { DEFAULT_BYTE_BUDGET, MiB } from './ssh/byte-budget';
import { DEFAULT_LEASE_MS } from './lease/lease-keeper';
import { leaseOptionsFor, parseAgentId, parseLeaseMode } from './lease/lease-mode';
import { wireAgentRemediation } from './remediation/wire';
import { currentRetention } from '../lib/services/retention-settings';
import { errorMessage } from '../lib/errors';

// The agent inside the Next.js server (the embedded default). Route handlers and server actions reach
// the running agent (its SSH pool for remediation, pollNow for re-polls) through getRunningAgent().
const holder = globalThis as unknown as { __fnhAgent?: Promise<RunningAgent | undefined> };

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

async function start(): Promise<RunningAgent | undefined> {
  const inventoryPath = process.env.FNH_INVENTORY;
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
  const agentId = parseAgentId(process.env.FNH_AGENT_ID);
  const agent = await startAgent({
    db,
    inventory,
    // The same limits as `npm run agent` (--max-poll-mb, --output-budget-mb), from the environment.
    pool: { byteBudget: envInt('FNH_OUTPUT_BUDGET_MB', DEFAULT_BYTE_BUDGET / MiB) * MiB },
    poller: {
      intervalMs: envInt('FNH_POLL_INTERVAL_MS', DEFAULT_POLL_INTERVAL_MS),
      concurrency: envInt('FNH_POLL_CONCURRENCY', DEFAULT_POLL_CONCURRENCY),
      pollTimeoutMs: envInt('FNH_POLL_TIMEOUT_MS', DEFAULT_POLL_TIMEOUT_MS),
      maxOutputBytes: envInt('FNH_MAX_POLL_OUTPUT_MB', DEFAULT_MAX_POLL_OUTPUT_BYTES / MiB) * MiB,
    },
    // On PostgreSQL the embedded agent shares the fleet with `npm run agent` processes; on PGlite it polls all.
    lease: leaseOptionsFor(parseLeaseMode(process.env.FNH_LEASES), db.kind, {
      leaseMs: envInt('FNH_LEASE_MS', DEFAULT_LEASE_MS),
      ...(agentId ? { agentId } : {}),
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

export function getRunningAgent(): Promise<RunningAgent | undefined> {
  return holder.__fnhAgent ?? Promise.resolve(undefined);
}
