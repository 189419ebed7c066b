import path from 'node:path';
import { loadInventoryFile } from '../agents/inventory-file';
import { SshPool } from '../agents/ssh/pool';
import { apiAs, expect } from './auth-helpers';
import { e2eDataDir } from './port';

/**
 * Puts a simulated node back into the seed incident the way it happened on the real fleet: connect with
 * an allocated IP, disconnect, reconnect without it (the daemon keeps the allocated IP's sessions).
 * Specs that fix the seed node call this afterwards, so every spec meets the incident it expects; it returns
 * once the dashboard shows a stale-session peer on the node again.
 * It goes over real SSH with the demo fleet's own inventory and pinned host keys.
 */
export async function reproduceSeedIncident(node: string): Promise<void> {
  const inventory = loadInventoryFile(path.resolve(e2eDataDir, 'sim', 'inventory.yaml'));
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
  // The next spec expects the incident as the dashboard shows it: wait until a poll has recorded a stale
  // session again (the daemon's throttled warnings name the stale sessions only a few seconds apart).
  const api = await apiAs('viewer');
  try {
    await expect
      .poll(
        async () => {
          const res = await api.get(`/api/nodes/${node}`);
          if (!res.ok()) return false;
          const detail = (await res.json()) as { peers: { verdict: string }[] };
          return detail.peers.some((p) => p.verdict === 'stale-session');
        },
        { timeout: 45_000, message: `${node} shows stale-session again after the incident was reproduced` },
      )
      .toBe(true);
  } finally {
    await api.dispose();
  }
}
