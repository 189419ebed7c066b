import path from 'node:path';
import { loadInventoryFile } from '../../agents/inventory-file';
import { Poller, type PollResult } from '../../agents/poller/poller';
import { SshPool } from '../../agents/ssh/pool';
import { RUN_DIR } from './lab-env';

/**
 * Collects every node of the lab with the real agent (inventory file, SSH pool with pinned host keys,
 * poller), once, and returns each node's poll result.
 */
export async function collectLab(): Promise<Map<string, PollResult>> {
  const inventory = loadInventoryFile(path.join(RUN_DIR, 'inventory.yaml'));
  const results = new Map<string, PollResult>();
  const pool = new SshPool(inventory);
  const poller = new Poller(
    pool,
    inventory.nodes.map((n) => n.name),
    async (r) => {
      results.set(r.node, r);
    },
    { intervalMs: 60_000, pollTimeoutMs: 30_000 },
  );
  try {
    await Promise.all(inventory.nodes.map((n) => poller.pollNow(n.name)));
  } finally {
    await poller.stop();
    await pool.close();
  }
  return results;
}
