import 'server-only';
import type { NodeHealth, NodePlacement, RemoteExecutor } from '../ports';
import { AppError } from '../../errors';

// The process that owns the SSH connections (the embedded agent) registers how to run a command on a
// node and how to read and refresh its diagnosis. Route handlers find it here; tests pass their own.
// A process that registered none (a dashboard started with FNH_AGENT=off, or whose agent shares the
// fleet through leases) relays: relay.ts hands each node's work to its lease holder.
export interface RemediationRuntime {
  executor: RemoteExecutor;
  health: NodeHealth;
  /** waits before the re-poll (actions' settleMs); tests pass one that returns at once */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Set when this process runs no remediation command itself: each node's runs are stored for the agent
   * holding the node's lease (relay.ts), and a request is refused, audited, when none does.
   */
  placement?: NodePlacement;
}

const holder = globalThis as unknown as { __fnhRemediationRuntime?: RemediationRuntime };

export function setRemediationRuntime(runtime: RemediationRuntime | undefined): void {
  holder.__fnhRemediationRuntime = runtime;
}

/** The runtime this process registered, if any (none: the dashboard relays to the lease holders). */
export function findRemediationRuntime(): RemediationRuntime | undefined {
  return holder.__fnhRemediationRuntime;
}

export function getRemediationRuntime(): RemediationRuntime {
  const rt = holder.__fnhRemediationRuntime;
  if (!rt) throw new AppError('internal', 'remediation is unavailable: no agent is running in this server');
  return rt;
}
