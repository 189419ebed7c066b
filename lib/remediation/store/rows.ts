import 'server-only';
import type { ParamValue } from '../params';
import type { NodeEvidence } from '../ports';
import type { CappedResult } from '../output';
import type { RenderedCommand } from '../render';
import type { Role } from '../../auth/roles';

// Remediation state as stored (remediation_batches / remediation_runs). This is mutable working state;
// the audit log is the permanent record of every transition.

export type BatchState = 'awaiting-approval' | 'approved' | 'rejected' | 'ready' | 'running' | 'done';
export type RunState = 'pending' | 'running' | 'verified' | 'not-verified' | 'failed' | 'conflict' | 'skipped' | 'outcome-unknown' | 'rejected';

export interface BatchRow {
  id: string;
  idempotency_key: string;
  requested_by: string;
  requested_role: Role;
  action: string;
  params: Record<string, ParamValue>;
  reason: string;
  alert_url: string | null;
  target_peer: string | null;
  needs_approval: boolean;
  state: BatchState;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export interface RunRow {
  id: string;
  batch_id: string;
  position: number;
  node: string;
  /** exactly what runs, in order, as recorded with the request */
  commands: RenderedCommand[];
  state: RunState;
  started_at: Date | null;
  deadline_at: Date | null;
  finished_at: Date | null;
  results: CappedResult[] | null;
  evidence_before: NodeEvidence | null;
  evidence_after: NodeEvidence | null;
  summary: string | null;
}

export const batchColumns =
  'id, idempotency_key, requested_by, requested_role, action, params, reason, alert_url, target_peer, needs_approval, state, decided_by, decided_at, created_at';
export const runColumns =
  'id, batch_id, position, node, commands, state, started_at, deadline_at, finished_at, results, evidence_before, evidence_after, summary';

/** The fields every remediation audit record carries. */
export function runRef(batch: BatchRow, run: RunRow) {
  return { runId: run.id, batchId: batch.id, action: batch.action, params: batch.params };
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
