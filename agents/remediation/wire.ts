import type { Db } from '../../lib/db/types';
import { onShutdown } from '../../lib/shutdown';
import { remediationRuntimeForAgent } from '../../lib/remediation/store/agent-runtime';
import { readNodeEvidence } from '../../lib/remediation/store/evidence';
import { setRemediationRuntime } from '../../lib/remediation/store/runtime';
import { wireRemediation } from '../../lib/remediation/store/wire';
import type { RunningAgent } from '../poller/start-agent';
import { RemediationWorker } from './worker';

// How an agent takes part in remediation, the same for the embedded agent and `npm run agent`:
// - without leases (the embedded single-process default on PGlite) it runs every action itself, over its
//   own SSH connections, exactly as before (lib/remediation/store/wire.ts);
// - with leases (PostgreSQL, several agents) it runs the actions stored for the nodes it holds, whoever
//   requested them, and this process's own requests (an embedded agent's dashboard) go through the store
//   to each node's lease holder like any dashboard's.

export interface AgentRemediation {
  worker?: RemediationWorker;
  stop(): Promise<void>;
}

export async function wireAgentRemediation(
  agent: Pick<RunningAgent, 'pool' | 'poller' | 'lease'>,
  db: Db,
  opts: { registerShutdown?: boolean; log?: (m: string) => void } = {},
): Promise<AgentRemediation> {
  if (!agent.lease) {
    await wireRemediation(agent, db);
    return { stop: async () => undefined };
  }
  setRemediationRuntime(undefined);
  const worker = new RemediationWorker({
    db,
    agentId: agent.lease.agentId,
    runtime: remediationRuntimeForAgent(agent, db, (q, node, o) => readNodeEvidence(q, node, o)),
    ...(opts.log ? { log: opts.log } : {}),
  });
  await worker.start();
  // Registered after the agent's own hook, so it runs first: a run in progress still has its SSH pool.
  const unregister = opts.registerShutdown === false ? undefined : onShutdown(() => worker.stop());
  return {
    worker,
    stop: async () => {
      unregister?.();
      await worker.stop();
    },
  };
}
