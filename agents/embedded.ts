import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { getDb, type Db } from '../lib/db';
import { loadInventoryFile } from './inventory-file';
import type { RunningAgent } from './poller/start-agent';
import { startAgentFromSettings } from './agent-from-settings';
import { leaseOptionsFor } from './lease/lease-mode';
import { readAgentSettings } from '../lib/settings/agent-settings';
import { readSetting } from '../lib/settings/settings';
import { errorMessage } from '../lib/errors';
import { foregroundActivity } from '../lib/foreground-activity';
import { onShutdown } from '../lib/shutdown';
import { EmbeddedAgentSupervisor, type EmbeddedWorkerInit } from './embedded-supervisor';

// The agent inside the Next.js server (the embedded default), started once per process by
// instrumentation.ts; dev-mode reloads find it on globalThis. By default it runs in the server's thread.
// With FNH_AGENT_THREAD=on (opt-in, issue 13) it runs in a worker thread instead: its SSH (pure-JS crypto),
// parsing and diagnosis no longer share the event loop that answers pages; the store stays here (PGlite has one
// connection and the pages read it) and the worker reaches it over a MessagePort. Opt-in because at 1,000 nodes
// under load the worker's clean stop took longer than the shutdown limit and the first full poll was slower
// (README, "The embedded agent in a worker thread").
const holder = globalThis as unknown as { __fnhAgent?: Promise<RunningAgent | EmbeddedAgentSupervisor | undefined> };

/** The worker's entry, from the repository root (servers and CLIs run from there, as migrations are read). */
// (turbopackIgnore: the bundler must not follow it; the thread loads the sources with tsx, not the bundle)
export const embeddedWorkerEntry = (root = process.cwd()) => path.join(/*turbopackIgnore: true*/ root, 'agents', 'embedded-worker-boot.mjs');

/** Starts the embedded agent's worker thread with the store's port and the foreground counter. */
export function startEmbeddedWorker(init: EmbeddedWorkerInit, opts: { root?: string; env?: NodeJS.ProcessEnv } = {}): Worker {
  return new Worker(/*turbopackIgnore: true*/ embeddedWorkerEntry(opts.root), {
    workerData: init,
    ...(opts.env ? { env: opts.env } : {}),
    transferList: [init.store],
    // `server-only` resolves to its empty react-server export, as under `npm run agent`
    execArgv: ['--conditions=react-server'],
  });
}

async function start(): Promise<RunningAgent | EmbeddedAgentSupervisor | undefined> {
  // The same settings as `npm run agent` (lib/settings), from the environment.
  const settings = readAgentSettings(process.env);
  const inThread = readSetting('FNH_AGENT_THREAD', process.env.FNH_AGENT_THREAD);
  const inventoryPath = settings.inventory;
  if (!inventoryPath) {
    console.log('agent: FNH_INVENTORY is not set; serving stored data without polling');
    return undefined;
  }
  let inventory;
  try {
    // (with the worker thread, the worker reads it again)
    inventory = loadInventoryFile(inventoryPath);
  } catch (err) {
    // A bad inventory stops start-up with file, line and field.
    console.error(errorMessage(err));
    process.exit(2);
  }
  const db = await getDb();
  if (inThread) return startInWorker(db);
  // On PostgreSQL the embedded agent shares the fleet with `npm run agent` processes; on PGlite it polls all.
  const lease = leaseOptionsFor(settings.leaseMode, db.kind, {
    leaseMs: settings.leaseMs,
    ...(settings.agentId ? { agentId: settings.agentId } : {}),
  });
  const agent = await startAgentFromSettings(db, inventory, settings, lease);
  console.log(
    agent.lease
      ? `agent ${agent.lease.agentId}: sharing ${inventory.nodes.length} nodes from ${inventoryPath} through leases`
      : `agent: polling ${inventory.nodes.length} nodes from ${inventoryPath}`,
  );
  return agent;
}

/** FNH_AGENT_THREAD=on: the agent in a supervised worker thread, always with leases (actions relayed to it). */
async function startInWorker(db: Db): Promise<EmbeddedAgentSupervisor> {
  const supervisor = new EmbeddedAgentSupervisor({ db, foreground: foregroundActivity.shared(), startWorker: (init) => startEmbeddedWorker(init) });
  // Registered after the store's hook, so it runs first: the worker stops (leases released), then PGlite closes.
  onShutdown(() => supervisor.stop());
  supervisor.start();
  await supervisor.ready();
  return supervisor;
}

export function startEmbeddedAgent(): Promise<RunningAgent | EmbeddedAgentSupervisor | undefined> {
  holder.__fnhAgent ??= start();
  return holder.__fnhAgent;
}
