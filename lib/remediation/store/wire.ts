import 'server-only';
import type { Db } from '../../db';
import { remediationRuntimeForAgent, type AgentForRemediation } from './agent-runtime';
import { readNodeEvidence } from './evidence';
import { closeOrphanedIntents } from './recover';
import { setRemediationRuntime } from './runtime';

/**
 * Called once by the embedded agent after it starts: closes intents a previous process left without an
 * outcome (appending outcome-unknown), then makes remediation run over this agent's SSH pool.
 */
export async function wireRemediation(agent: AgentForRemediation, db: Db): Promise<void> {
  // PGlite has one opener, so any running intent is this store's and orphaned; PostgreSQL may be shared by
  // several agents, so there only intents past their deadline are closed.
  const closed = await closeOrphanedIntents(db, new Date(), { startup: db.kind === 'pglite' });
  if (closed > 0) console.log(`remediation: closed ${closed} intent(s) without outcome as outcome-unknown`);
  setRemediationRuntime(remediationRuntimeForAgent(agent, db, (q, node, opts) => readNodeEvidence(q, node, opts)));
}
