import path from 'node:path';
import { loadInventoryFile } from '../agents/inventory-file';
import { SshPool } from '../agents/ssh/pool';

const port = Number(process.env.E2E_PORT ?? 3100);

/**
 * Puts a simulated node back into the seed incident the way it happened on the real fleet: connect with
 * an allocated IP, disconnect, reconnect without it (the daemon keeps the allocated IP's sessions).
 * Specs that fix the seed node call this afterwards, so every spec meets the incident it expects.
 * It goes over real SSH with the demo fleet's own inventory and pinned host keys.
 */
export async function reproduceSeedIncident(node: string): Promise<void> {
  const inventory = loadInventoryFile(path.resolve(`.data/e2e-${port}/sim/inventory.yaml`));
  const pool = new SshPool(inventory);
  try {
    const run = (...argv: string[]) => pool.runCommand(node, ['sudo', '-n', 'doublezero', ...argv], { timeoutMs: 15_000, maxBytes: 64 * 1024 });
    await run('disconnect');
    await run('connect', 'ibrl', '-a');
    await run('disconnect');
    await run('connect', 'ibrl');
  } finally {
    await pool.close();
  }
}
