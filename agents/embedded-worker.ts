import 'server-only';
import { MessagePort, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { dbOverPort } from '../lib/db/port-client';
import { errorMessage } from '../lib/errors';
import { foregroundActivity } from '../lib/foreground-activity';
import { readAgentSettings } from '../lib/settings/agent-settings';
import { runShutdown } from '../lib/shutdown';
import { loadInventoryFile } from './inventory-file';
import { startAgentFromSettings } from './agent-from-settings';
import { stopMessage, type WorkerEvent } from './embedded-supervisor';

// The embedded agent's worker thread (started by agents/embedded.ts through embedded-worker-boot.mjs): the same
// agent as `npm run agent`, on the dashboard's store over a MessagePort. It always shares the fleet through
// leases, even on PGlite where it is the only agent: the dashboard thread has no SSH and relays actions through
// the store to the lease holder (lib/remediation/store/relay.ts), as a dashboard with FNH_AGENT=off does.

const initSchema = z.object({
  store: z.instanceof(MessagePort),
  kind: z.enum(['pglite', 'postgres']),
  foreground: z.instanceof(Int32Array),
});

async function main(): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('agents/embedded-worker.ts runs in the worker thread agents/embedded.ts starts');
  const parent = parentPort;
  const init = initSchema.parse(workerData);
  // pages and API reads are counted by the dashboard thread: the agent steps aside for them from here too
  foregroundActivity.follow(init.foreground);
  const db = dbOverPort(init.store, init.kind);
  const settings = readAgentSettings(process.env);
  if (!settings.inventory) throw new Error('agent worker: FNH_INVENTORY is not set');
  const inventory = loadInventoryFile(settings.inventory);
  let stopping = false;
  parent.on('message', (message: unknown) => {
    if (stopping || !z.object({ t: z.literal(stopMessage.t) }).safeParse(message).success) return;
    stopping = true;
    // the agent's own hooks (lib/shutdown, this thread's registry): remediation, leases released, SSH closed
    void runShutdown().finally(() => {
      parent.postMessage({ t: 'stopped' } satisfies WorkerEvent);
      init.store.close();
      process.exit(0);
    });
  });
  const agent = await startAgentFromSettings(db, inventory, settings, {
    leaseMs: settings.leaseMs,
    ...(settings.agentId ? { agentId: settings.agentId } : {}),
  });
  console.log(`agent ${agent.lease?.agentId ?? ''}: polling ${inventory.nodes.length} nodes from ${settings.inventory} in a worker thread`);
  parent.postMessage({ t: 'ready', nodes: inventory.nodes.length, ...(agent.lease ? { agentId: agent.lease.agentId } : {}) } satisfies WorkerEvent);
}

main().catch((err: unknown) => {
  // the supervisor sees the exit and starts a worker again (or gives up)
  console.error(`agent worker: ${errorMessage(err)}`);
  process.exit(1);
});
