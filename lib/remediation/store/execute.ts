import 'server-only';
import { findAction } from '../catalog';
import { modeChangedSince, readUnicastMode } from '../connection-mode';
import { capResult, type CappedResult } from '../output';
import type { NodeEvidence } from '../ports';
import type { ActionDefinition } from '../types';
import { judgeVerification, type Verification } from '../verify';
import type { Db, Queryable } from '../../db';
import { AppError, errorMessage } from '../../errors';
import { appendAudit } from '../../audit/store/append';
import type { RemediationRuntime } from './runtime';
import { isUniqueViolation, runColumns, runRef, type BatchRow, type RunRow } from './rows';

// One node's remediation: claim the node (at most one running remediation per node, enforced by a
// partial unique index) and write the INTENT in the same transaction; run the commands over SSH through
// `sudo -n`; re-poll; judge; write the OUTCOME with the state change. If the process dies in between,
// the intent stays without outcome until recover.ts closes it as outcome-unknown.

/** Extra time after the command timeouts for the re-poll, before a running remediation counts as orphaned. */
export const repollMarginMs = 120_000;
/** The SSH executor cuts each stream here; the audit keeps up to auditOutputCapBytes of it. */
export const executorMaxBytes = 256 * 1024;

export type Clock = () => Date;

export type ClaimResult = { kind: 'claimed'; run: RunRow } | { kind: 'conflict'; run: RunRow; heldByRunId: string | null } | { kind: 'gone' };

export interface ClaimOptions {
  /**
   * Runs inside the claim's transaction, after the run was marked running and before the intent: false
   * rolls the claim back (`gone`). A relayed run takes its dispatch here, so taking it, the claim and the
   * intent commit together (dispatch.ts).
   */
  within?: (tx: Queryable) => Promise<boolean>;
}

/** Thrown inside the claim's transaction to roll it back when `within` says no. */
class ClaimWithdrawn extends Error {}

export async function claimRun(db: Db, rt: RemediationRuntime, batch: BatchRow, run: RunRow, clock: Clock, opts: ClaimOptions = {}): Promise<ClaimResult> {
  const action = requireAction(batch.action);
  const before = await readEvidence(rt, run.node);
  const now = clock();
  const deadline = new Date(now.getTime() + action.timeoutMs * run.commands.length + repollMarginMs);
  try {
    const claimed = await db.transaction(async (tx) => {
      const upd = await tx.query<RunRow>(
        `update remediation_runs set state = 'running', started_at = $2, deadline_at = $3, evidence_before = $4::jsonb
         where id = $1 and state = 'pending' returning ${runColumns}`,
        [run.id, now, deadline, JSON.stringify(before)],
      );
      const row = upd.rows[0];
      if (!row) return undefined;
      if (opts.within && !(await opts.within(tx))) throw new ClaimWithdrawn();
      await appendAudit(tx, {
        at: now,
        actor: actorOf(batch),
        node: run.node,
        entry: {
          type: 'remediation.intent',
          ...runRef(batch, run),
          reason: batch.reason,
          alertUrl: batch.alert_url,
          commands: run.commands.map((c) => c.line),
          evidenceBefore: before,
        },
      });
      return row;
    });
    return claimed ? { kind: 'claimed', run: claimed } : { kind: 'gone' };
  } catch (err) {
    if (err instanceof ClaimWithdrawn) return { kind: 'gone' };
    if (!isUniqueViolation(err)) throw err;
    return recordConflict(db, batch, run, clock());
  }
}

async function recordConflict(db: Db, batch: BatchRow, run: RunRow, now: Date): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const holder = await tx.query<{ id: string }>(`select id from remediation_runs where node = $1 and state = 'running' and id <> $2`, [run.node, run.id]);
    const heldByRunId = holder.rows[0]?.id ?? null;
    const upd = await tx.query<RunRow>(
      `update remediation_runs set state = 'conflict', finished_at = $2, summary = $3 where id = $1 and state = 'pending' returning ${runColumns}`,
      [run.id, now, `another remediation is running on ${run.node}`],
    );
    await appendAudit(tx, { at: now, actor: actorOf(batch), node: run.node, entry: { type: 'remediation.conflict', ...runRef(batch, run), heldByRunId } });
    return { kind: 'conflict', run: upd.rows[0] ?? run, heldByRunId };
  });
}

/** Runs a claimed remediation to its outcome. Returns whether it was verified (bulk stops otherwise). */
export async function executeClaimedRun(db: Db, rt: RemediationRuntime, batch: BatchRow, run: RunRow, clock: Clock): Promise<boolean> {
  const action = requireAction(batch.action);
  const results: CappedResult[] = [];
  /** set when a re-read of the node shows it is no longer in the state the commands were chosen for */
  let stoppedBecause: string | undefined;
  for (const cmd of run.commands) {
    const result = await rt.executor.run(run.node, cmd.argv, { timeoutMs: action.timeoutMs, maxBytes: executorMaxBytes }).then(
      (r) => capResult(cmd.line, r),
      (err: unknown) => capResult(cmd.line, { error: errorMessage(err) }),
    );
    results.push(result);
    // Progress for the page that follows the run: each command's output as soon as it is back.
    await db.query(`update remediation_runs set results = $2::jsonb where id = $1 and state = 'running'`, [run.id, JSON.stringify(results)]);
    if (result.exitCode !== 0) break;
    if (cmd.expectUnicastMode) {
      stoppedBecause = modeChangedSince(readUnicastMode(result), cmd.expectUnicastMode) ?? undefined;
      if (stoppedBecause) break;
    }
  }
  const succeeded = stoppedBecause === undefined && results.length === run.commands.length && results.every((r) => r.exitCode === 0);
  const commandsDoneAt = clock();
  let pollNote: string | undefined;
  if (succeeded && action.check.kind === 'verdicts-cleared') {
    if (action.settleMs > 0) await (rt.sleep ?? defaultSleep)(action.settleMs);
    await rt.health.pollNow(run.node).catch((err: unknown) => {
      pollNote = `re-poll failed: ${errorMessage(err)}`;
    });
  }
  const after = succeeded
    ? await readEvidence(rt, run.node, commandsDoneAt)
    : { collectedAt: null, verdicts: [], note: stoppedBecause ?? 'not re-polled: a command failed' };
  const verification: Verification = stoppedBecause
    ? { verified: false, summary: stoppedBecause }
    : judgeVerification({
        check: action.check,
        before: run.evidence_before ?? { collectedAt: null, verdicts: [] },
        after,
        exitCodes: results.map((r) => r.exitCode),
        targetPeer: batch.target_peer,
      });
  const summary = pollNote ? `${verification.summary}; ${pollNote}` : verification.summary;
  const state = verification.verified ? 'verified' : succeeded ? 'not-verified' : 'failed';
  const now = clock();
  await db.transaction(async (tx) => {
    // A late outcome after recovery marked the run outcome-unknown still lands: the audit gets both.
    await tx.query(
      `update remediation_runs set state = $2, finished_at = $3, results = $4::jsonb, evidence_after = $5::jsonb, summary = $6
       where id = $1 and state in ('running', 'outcome-unknown')`,
      [run.id, state, now, JSON.stringify(results), JSON.stringify(after), summary],
    );
    await appendAudit(tx, {
      at: now,
      actor: actorOf(batch),
      node: run.node,
      entry: {
        type: 'remediation.outcome',
        ...runRef(batch, run),
        results,
        succeeded,
        evidenceAfter: after,
        verification: { verified: verification.verified, summary },
      },
    });
  });
  return verification.verified;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readEvidence(rt: RemediationRuntime, node: string, since?: Date): Promise<NodeEvidence & { note?: string }> {
  try {
    const e = await rt.health.evidence(node, since ? { since } : undefined);
    return { collectedAt: e.collectedAt, verdicts: e.verdicts.map((v) => ({ peer: v.peer, verdict: v.verdict })) };
  } catch (err) {
    return { collectedAt: null, verdicts: [], note: `evidence unavailable: ${errorMessage(err)}` };
  }
}

export function actorOf(batch: BatchRow) {
  return { username: batch.requested_by, role: batch.requested_role };
}

function requireAction(id: string): ActionDefinition {
  const action = findAction(id);
  if (!action) throw new AppError('internal', `action ${id} is no longer in the catalog`);
  return action;
}
