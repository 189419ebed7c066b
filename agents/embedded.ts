import 'server-only';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { getDb } from '../lib/db';
import { errorMessage } from '../lib/errors';
import { foregroundActivity } from '../lib/foreground-activity';
import { onShutdown } from '../lib/shutdown';
import { readAgentSettings } from '../lib/settings/agent-settings';
import { EmbeddedAgentSupervisor, type EmbeddedWorkerInit } from './embedded-supervisor';
import { loadInventoryFile } from './inventory-file';

// The agent inside the Next.js server (the embedded default), started once per process by
// instrumentation.ts; dev-mode reloads find it on globalThis. It runs in a worker thread (issue 13): its SSH
// (pure-JS crypto), parsing and diagnosis no longer share the event loop that answers pages. The store stays
// here (PGlite has one connection and the pages read it); the worker reaches it over a MessagePort.
const holder = globalThis as unknown as { __fnhAgent?: Promise<EmbeddedAgentSupervisor | undefined> };

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

async function start(): Promise<EmbeddedAgentSupervisor | undefined> {
  // The same settings as `npm run agent` (lib/settings), from the environment.
  const settings = readAgentSettings(process.env);
  const inventoryPath = settings.inventory;
  if (!inventoryPath) {
    console.log('agent: FNH_INVENTORY is not set; serving stored data without polling');
    return undefined;
  }
  try {
    // A bad inventory stops start-up with file, line and field (the worker reads it again).
    loadInventoryFile(inventoryPath);
  } catch (err) {
    console.error(errorMessage(err));
    process.exit(2);
  }
  const db = await getDb();
  const supervisor = new EmbeddedAgentSupervisor({ db, foreground: foregroundActivity.shared(), startWorker: (init) => startEmbeddedWorker(init) });
  // Registered after the store's hook, so it runs first: the worker stops (leases released), then PGlite closes.
  onShutdown(() => supervisor.stop());
  supervisor.start();
  await supervisor.ready();
  return supervisor;
}

export function startEmbeddedAgent(): Promise<EmbeddedAgentSupervisor | undefined> {
  holder.__fnhAgent ??= start();
  return holder.__fnhAgent;
}
