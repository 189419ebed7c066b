import 'server-only';
import type { Db, Queryable } from '../../db';
import { appendAudit } from '../../audit/store/append';
import { claimRun, executeClaimedRun, actorOf, type ClaimResult, type Clock } from './execute';
import { getBatch } from './get';
import type { RemediationRuntime } from './runtime';
import { runRef, type BatchRow, type RunRow } from './rows';

export interface Started {
  /**
   * what happened to the first node, known before the response is sent (a conflict is a 409 at once;
   * `refused`: relayed to a lease holder that did not take it, see relay-start.ts)
   */
  first: ClaimResult | { kind: 'not-startable' } | { kind: 'refused'; run: RunRow; why: string };
  /** the rest of the batch: the first node's commands, re-poll and outcome, then the next nodes */
  completion: Promise<void>;
}

/**
 * Starts a ready (or approved) batch: nodes one after another, stopping at the first node that is not
 * verified; the remaining nodes are marked skipped, each with its audit record.
 */
export async function startBatch(db: Db, rt: RemediationRuntime, batchId: string, clock: Clock): Promise<Started> {
  const started = await db.query<{ id: string }>(
    `update remediation_batches set state = 'running' where id = $1 and state in ('ready', 'approved') returning id`,
    [batchId],
  );
  if (started.rows.length === 0) return { first: { kind: 'not-startable' }, completion: Promise.resolve() };
  const { batch, runs } = await getBatch(db, batchId);
  const pending = runs.filter((r) => r.state === 'pending');
  const [head, ...rest] = pending;
  if (!head) {
    await finishBatch(db, batch.id);
    return { first: { kind: 'gone' }, completion: Promise.resolve() };
  }
  const first = await claimRun(db, rt, batch, head, clock);
  // Nobody awaits the completion's errors in a request: log them; the recovery sweep closes what was left running.
  const completion = continueBatch(db, rt, batch, first, rest, clock).catch((err: unknown) => {
    console.error(`remediation batch ${batch.id} stopped on an internal error`, err);
  });
  return { first, completion };
}

async function continueBatch(db: Db, rt: RemediationRuntime, batch: BatchRow, first: ClaimResult, rest: RunRow[], clock: Clock): Promise<void> {
  let claim = first;
  let queue = rest;
  for (;;) {
    const ok = claim.kind === 'claimed' ? await executeClaimedRun(db, rt, batch, claim.run, clock) : false;
    if (!ok) {
      await skipRuns(db, batch, queue, claim, clock());
      break;
    }
    const [next, ...after] = queue;
    if (!next) break;
    queue = after;
    claim = await claimRun(db, rt, batch, next, clock);
  }
  await finishBatch(db, batch.id);
}

async function skipRuns(db: Db, batch: BatchRow, runs: RunRow[], stoppedBy: ClaimResult, now: Date): Promise<void> {
  if (runs.length === 0) return;
  const stoppedNode = stoppedBy.kind === 'gone' ? 'a previous node' : stoppedBy.run.node;
  await db.transaction((tx) => skipRunsWithin(tx, batch, runs, stoppedWhy(stoppedNode), now));
}

export function stoppedWhy(stoppedNode: string): string {
  return `stopped: the remediation on ${stoppedNode} did not succeed and verify`;
}

/** Marks pending runs skipped, each with its audit record, in the caller's transaction. */
export async function skipRunsWithin(tx: Queryable, batch: BatchRow, runs: readonly RunRow[], why: string, now: Date): Promise<void> {
  for (const run of runs) {
    const upd = await tx.query(
      `update remediation_runs set state = 'skipped', finished_at = $2, summary = $3 where id = $1 and state = 'pending' returning id`,
      [run.id, now, why],
    );
    if (upd.rows.length === 0) continue;
    await appendAudit(tx, { at: now, actor: actorOf(batch), node: run.node, entry: { type: 'remediation.skipped', ...runRef(batch, run), why } });
  }
}

export async function finishBatch(db: Queryable, batchId: string): Promise<void> {
  await db.query(`update remediation_batches set state = 'done' where id = $1 and state = 'running'`, [batchId]);
}
