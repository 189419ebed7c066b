// `npm run agent -- --inventory fleet.yaml`: the collection agent as its own process (the dashboard
// can also embed it). `--check` only validates the inventory; `--import-ansible-ini|--import-ansible-yaml|
// --import-ssh-config FILE` prints that inventory converted to our YAML on stdout.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getDb } from '../lib/db';
import { InventoryError } from '../lib/inventory/errors';
import { importInventoryFile, loadInventoryFile, renderImportedInventory, type ImportFormat } from '../agents/inventory-file';
import { startAgent } from '../agents/poller/start-agent';
import { currentRetention } from '../lib/services/retention-settings';
import { DEFAULT_MAX_POLL_OUTPUT_BYTES, DEFAULT_POLL_CONCURRENCY, DEFAULT_POLL_INTERVAL_MS, DEFAULT_POLL_TIMEOUT_MS } from '../agents/poller/poller';
import { DEFAULT_BYTE_BUDGET, MiB } from '../agents/ssh/byte-budget';
import { DEFAULT_LEASE_MS } from '../agents/lease/lease-keeper';
import { leaseOptionsFor, parseAgentId, parseLeaseMode } from '../agents/lease/lease-mode';
import { wireAgentRemediation } from '../agents/remediation/wire';
import { errorMessage } from '../lib/errors';

const { values: args } = parseArgs({
  options: {
    inventory: { type: 'string', default: process.env.FNH_INVENTORY },
    check: { type: 'boolean', default: false },
    'import-ansible-ini': { type: 'string' },
    'import-ansible-yaml': { type: 'string' },
    'import-ssh-config': { type: 'string' },
    interval: { type: 'string', default: process.env.FNH_POLL_INTERVAL_MS ?? String(DEFAULT_POLL_INTERVAL_MS) },
    concurrency: { type: 'string', default: process.env.FNH_POLL_CONCURRENCY ?? String(DEFAULT_POLL_CONCURRENCY) },
    timeout: { type: 'string', default: process.env.FNH_POLL_TIMEOUT_MS ?? String(DEFAULT_POLL_TIMEOUT_MS) },
    // memory: one poll's reply cap, and the ceiling on reply bytes held across all polls at once
    'max-poll-mb': { type: 'string', default: process.env.FNH_MAX_POLL_OUTPUT_MB ?? String(DEFAULT_MAX_POLL_OUTPUT_BYTES / MiB) },
    'output-budget-mb': { type: 'string', default: process.env.FNH_OUTPUT_BUDGET_MB ?? String(DEFAULT_BYTE_BUDGET / MiB) },
    // many machines: auto = lease nodes when DATABASE_URL points at PostgreSQL
    leases: { type: 'string', default: process.env.FNH_LEASES ?? 'auto' },
    'lease-ms': { type: 'string', default: process.env.FNH_LEASE_MS ?? String(DEFAULT_LEASE_MS) },
    'agent-id': { type: 'string', default: process.env.FNH_AGENT_ID },
  },
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return n;
}

async function main(): Promise<number> {
  const imports: Array<[ImportFormat, string | undefined]> = [
    ['ansible-ini', args['import-ansible-ini']],
    ['ansible-yaml', args['import-ansible-yaml']],
    ['ssh-config', args['import-ssh-config']],
  ];
  const wanted = imports.find(([, file]) => file !== undefined);
  if (wanted) {
    const [format, file] = wanted as [ImportFormat, string];
    const result = importInventoryFile(file, format);
    for (const w of result.warnings) console.error(`warning: ${w}`);
    const { yaml } = renderImportedInventory(result, file, process.cwd());
    process.stdout.write(yaml);
    return 0;
  }
  if (!args.inventory) {
    console.error('usage: npm run agent -- --inventory FILE [--check] [--interval MS] [--concurrency N] [--timeout MS] [--max-poll-mb N] [--output-budget-mb N] [--leases auto|on|off] [--lease-ms MS] [--agent-id ID]');
    return 2;
  }
  const inventory = loadInventoryFile(args.inventory);
  if (args.check) {
    console.log(`${args.inventory}: ${inventory.nodes.length} nodes OK`);
    return 0;
  }
  const leaseMode = parseLeaseMode(args.leases);
  const leaseMs = positiveInt('lease-ms', args['lease-ms']);
  const agentId = parseAgentId(args['agent-id']);
  const db = await getDb();
  const lease = leaseOptionsFor(leaseMode, db.kind, { leaseMs, ...(agentId ? { agentId } : {}) });
  const agent = await startAgent({
    db,
    inventory,
    pool: { byteBudget: positiveInt('output-budget-mb', args['output-budget-mb']) * MiB },
    poller: {
      maxOutputBytes: positiveInt('max-poll-mb', args['max-poll-mb']) * MiB,
      intervalMs: positiveInt('interval', args.interval),
      concurrency: positiveInt('concurrency', args.concurrency),
      pollTimeoutMs: positiveInt('timeout', args.timeout),
    },
    lease,
    // Retention (FNH_RETENTION, FNH_RETAIN_*) and, on PGlite, VACUUM and CHECKPOINT on a schedule.
    maintenance: { retention: currentRetention() },
  });
  // With leases: runs the actions any dashboard stored for the nodes this agent holds (agents/remediation).
  await wireAgentRemediation(agent, db);
  console.log(
    agent.lease
      ? `agent ${agent.lease.agentId}: sharing ${inventory.nodes.length} nodes from ${path.resolve(args.inventory)} through leases of ${leaseMs} ms`
      : `agent: polling ${inventory.nodes.length} nodes from ${path.resolve(args.inventory)}`,
  );
  return await new Promise<number>(() => undefined); // runs until SIGINT/SIGTERM (lib/shutdown)
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A bad inventory stops start-up with file, line and field; anything else with its message.
    console.error(errorMessage(err));
    process.exit(err instanceof InventoryError ? 2 : 1);
  },
);
