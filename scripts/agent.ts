// `npm run agent -- --inventory fleet.yaml`: the collection agent as its own process (the dashboard
// can also embed it). `--check` only validates the inventory; `--import-ansible-ini|--import-ansible-yaml|
// --import-ssh-config FILE` prints that inventory converted to our YAML on stdout.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getDb } from '../lib/db';
import { InventoryError } from '../lib/inventory/errors';
import { importInventoryFile, loadInventoryFile, renderImportedInventory, type ImportFormat } from '../agents/inventory-file';
import { startAgentFromSettings } from '../agents/agent-from-settings';
import { leaseOptionsFor } from '../agents/lease/lease-mode';
import { agentFlags, readAgentSettings, type AgentFlagValues } from '../lib/settings/agent-settings';
import { errorMessage } from '../lib/errors';

// Each setting flag overrides its environment variable (lib/settings/agent-settings.ts `agentFlags`).
const settingFlags = Object.fromEntries(Object.keys(agentFlags).map((flag) => [flag, { type: 'string' as const }])) as Record<
  keyof typeof agentFlags,
  { type: 'string' }
>;

const { values: args } = parseArgs({
  options: {
    ...settingFlags,
    check: { type: 'boolean', default: false },
    'import-ansible-ini': { type: 'string' },
    'import-ansible-yaml': { type: 'string' },
    'import-ssh-config': { type: 'string' },
  },
});

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
  const flags: AgentFlagValues = Object.fromEntries(Object.keys(agentFlags).map((flag) => [flag, args[flag as keyof typeof agentFlags]]));
  const settings = readAgentSettings(process.env, flags);
  if (!settings.inventory) {
    console.error(
      'usage: npm run agent -- --inventory FILE [--check] [--interval MS] [--concurrency N] [--timeout MS] [--max-poll-mb N] [--output-budget-mb N] [--leases auto|on|off] [--lease-ms MS] [--agent-id ID] [--nice 0-19]',
    );
    return 2;
  }
  const inventoryPath = settings.inventory;
  const inventory = loadInventoryFile(inventoryPath);
  if (args.check) {
    console.log(`${inventoryPath}: ${inventory.nodes.length} nodes OK`);
    return 0;
  }
  const { leaseMs, agentId } = settings;
  lowerPriority(settings.nice);
  const db = await getDb();
  const lease = leaseOptionsFor(settings.leaseMode, db.kind, { leaseMs, ...(agentId ? { agentId } : {}) });
  const agent = await startAgentFromSettings(db, inventory, settings, lease);
  console.log(
    agent.lease
      ? `agent ${agent.lease.agentId}: sharing ${inventory.nodes.length} nodes from ${path.resolve(inventoryPath)} through leases of ${leaseMs} ms`
      : `agent: polling ${inventory.nodes.length} nodes from ${path.resolve(inventoryPath)}`,
  );
  return await new Promise<number>(() => undefined); // runs until SIGINT/SIGTERM (lib/shutdown)
}

/** Polling is background work: on a machine shared with a dashboard or the database, they get the CPU first. */
function lowerPriority(nice: number): void {
  try {
    // only ever lowered: an agent started at a lower priority (nice -n 15 npm run agent) keeps it
    if (os.getPriority() < nice) os.setPriority(nice);
  } catch (err) {
    console.error(`agent: could not lower the CPU priority to nice ${nice}: ${errorMessage(err)}`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A bad inventory stops start-up with file, line and field; anything else with its message.
    console.error(errorMessage(err));
    process.exit(err instanceof InventoryError ? 2 : 1);
  },
);
