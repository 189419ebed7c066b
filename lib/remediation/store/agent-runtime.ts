import 'server-only';
import type { NodeEvidence, RemoteRunResult } from '../ports';
import type { Queryable } from '../../db';
import type { RemediationRuntime } from './runtime';
import { errorMessage } from '../../errors';

// Adapts the running agent (agents/poller startAgent: its SshPool and Poller) to the remediation ports.
// Typed structurally so lib/ does not import agents/.

export interface AgentForRemediation {
  pool: {
    runCommand(
      node: string,
      argv: readonly string[],
      opts: { timeoutMs: number; maxBytes: number; maxStderrBytes?: number; allowNonZero?: boolean },
    ): Promise<{ stdout: string; stderr: string; exitCode: number | null }>;
  };
  poller: { pollNow(node: string): Promise<{ state: string; lastError?: { message: string } }> };
}

export type EvidenceReader = (db: Queryable, node: string, opts: { since?: Date }) => Promise<NodeEvidence>;

export function remediationRuntimeForAgent(agent: AgentForRemediation, db: Queryable, readEvidence: EvidenceReader): RemediationRuntime {
  return {
    executor: {
      async run(node, argv, opts): Promise<RemoteRunResult> {
        try {
          const r = await agent.pool.runCommand(node, argv, {
            timeoutMs: opts.timeoutMs,
            maxBytes: opts.maxBytes,
            maxStderrBytes: opts.maxBytes,
            allowNonZero: true,
          });
          return { ...r, truncated: false, timedOut: false };
        } catch (err) {
          // SshError kinds (agents/ssh/errors.ts): a timeout or an oversized output still ran the command.
          const kind = typeof err === 'object' && err !== null ? (err as { kind?: unknown }).kind : undefined;
          if (kind === 'command-timeout' || kind === 'output-too-large') {
            return { exitCode: null, stdout: '', stderr: errorMessage(err), truncated: kind === 'output-too-large', timedOut: kind === 'command-timeout' };
          }
          throw err;
        }
      },
    },
    health: {
      evidence: (node, opts) => readEvidence(db, node, opts ?? {}),
      async pollNow(node) {
        const status = await agent.poller.pollNow(node);
        if (status.state !== 'ok') throw new Error(status.lastError?.message ?? `poll ended in state ${status.state}`);
      },
      async exists(node) {
        const r = await db.query('select 1 from nodes where name = $1', [node]);
        return r.rows.length > 0;
      },
    },
  };
}
