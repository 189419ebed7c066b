import 'server-only';
import type { NodeHealth, RemoteExecutor } from '../actions/ports';
import { AppError } from '../errors';

// The process that owns the SSH connections (the embedded agent) registers how to run a command on a
// node and how to read and refresh its diagnosis. Route handlers find it here; tests pass their own.
export interface RemediationRuntime {
  executor: RemoteExecutor;
  health: NodeHealth;
  /** waits before the re-poll (actions' settleMs); tests pass one that returns at once */
  sleep?: (ms: number) => Promise<void>;
}

const holder = globalThis as unknown as { __fnhRemediationRuntime?: RemediationRuntime };

export function setRemediationRuntime(runtime: RemediationRuntime | undefined): void {
  holder.__fnhRemediationRuntime = runtime;
}

export function getRemediationRuntime(): RemediationRuntime {
  const rt = holder.__fnhRemediationRuntime;
  if (!rt) throw new AppError('internal', 'remediation is unavailable: no agent is running in this server');
  return rt;
}
