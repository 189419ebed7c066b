import 'server-only';
import type { Db } from '../../db';
import { getBatch } from './get';
import { dispatchPickupMs, insertDispatch, liveLeaseHolders, noLiveHolderReason, REMEDIATION_DONE_CHANNEL, type DispatchRow } from './dispatch';
import { batchColumns, runColumns, type BatchRow, type RunRow } from './rows';
import { finishBatch, skipRunsWithin, stoppedWhy } from './start';

// A relayed batch goes node by node like an embedded one (start.ts), but each node's run is
// stored for the agent holding that node's lease: the dashboard stores the first, and the agent that
// finished a verified run stores the next (possibly for another agent). The first node that is not
// verified, or that no live agent holds, stops the batch: the rest are skipped, each audited.

export type NextRun = { kind: 'dispatched'; run: RunRow; dispatchId: string } | { kind: 'refused'; run: RunRow; why: string } | { kind: 'none' };

export async function dispatchNextRun(db: Db, batch: BatchRow, now: Date, pickupMs = dispatchPickupMs): Promise<NextRun> {
  return db.transaction(async (tx) => {
    const pending = (
      await tx.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = $1 and state = 'pending' order by position for update`, [batch.id])
    ).rows;
    const next = pending[0];
    if (!next) {
      await finishBatch(tx, batch.id);
      return { kind: 'none' };
    }
    const holder = (await liveLeaseHolders(tx, [next.node])).get(next.node);
    if (!holder) {
      const why = noLiveHolderReason(next.node);
      await skipRunsWithin(tx, batch, pending, why, now);
      await finishBatch(tx, batch.id);
      return { kind: 'refused', run: next, why };
    }
    const dispatchId = await insertDispatch(tx, { kind: 'run', node: next.node, runId: next.id, addressedTo: holder, pickupMs });
    return { kind: 'dispatched', run: next, dispatchId };
  });
}

/** After a relayed run's outcome (or its conflict): the next node, or stop here and skip the rest. */
export async function continueRelayedBatch(db: Db, batchId: string, last: RunRow, verified: boolean, now: Date, pickupMs = dispatchPickupMs): Promise<NextRun> {
  const { batch, runs } = await getBatch(db, batchId);
  if (verified) return dispatchNextRun(db, batch, now, pickupMs);
  await db.transaction(async (tx) => {
    await skipRunsWithin(
      tx,
      batch,
      runs.filter((r) => r.state === 'pending'),
      stoppedWhy(last.node),
      now,
    );
    await finishBatch(tx, batch.id);
  });
  return { kind: 'none' };
}

/**
 * Closes stored work nobody took: a status read gets the refusal; a run that is still pending is skipped
 * with the reason, and so is the rest of its batch (audited). `pastPickupOnly`: a sweep closes only work
 * whose pickup time passed; the requester that waited for it closes it at once. Returns false when an
 * agent took it first (both are conditional updates of the same row: exactly one wins).
 */
export async function closeUnpickedDispatch(db: Db, id: string, why: string, now: Date, opts: { pastPickupOnly: boolean }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<DispatchRow>(
      `update remediation_dispatch set closed_at = now(), refusal = $2
       where id = $1 and picked_by is null and closed_at is null ${opts.pastPickupOnly ? 'and pickup_by <= now()' : ''}
       returning id, kind, node, run_id`,
      [id, why],
    );
    const closed = rows[0];
    if (!closed) return false;
    if (closed.run_id) {
      const run = (await tx.query<RunRow>(`select ${runColumns} from remediation_runs where id = $1`, [closed.run_id])).rows[0];
      const batch = run ? (await tx.query<BatchRow>(`select ${batchColumns} from remediation_batches where id = $1`, [run.batch_id])).rows[0] : undefined;
      if (run && batch) {
        const pending = (
          await tx.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = $1 and state = 'pending' order by position`, [batch.id])
        ).rows;
        // Still pending: nobody ran it. Otherwise an agent recorded a conflict and stopped before going on.
        await skipRunsWithin(tx, batch, pending, run.state === 'pending' ? why : stoppedWhy(run.node), now);
        await finishBatch(tx, batch.id);
      }
    }
    await tx.query('select pg_notify($1, $2)', [REMEDIATION_DONE_CHANNEL, id]);
    return true;
  });
}

export function notTakenWhy(d: Pick<DispatchRow, 'node' | 'addressed_to'>, pickupMs: number): string {
  return `not run: the agent holding the lease of ${d.node} (${d.addressed_to}) did not take it within ${Math.round(pickupMs / 100) / 10} s`;
}

/** Any process may run this: closes, with the reason, every piece of stored work whose pickup time passed. */
export async function expireStaleDispatches(db: Db, now: Date): Promise<number> {
  const { rows } = await db.query<DispatchRow & { waited_ms: number }>(
    `select id, node, addressed_to, (extract(epoch from (pickup_by - requested_at)) * 1000)::int as waited_ms
     from remediation_dispatch where picked_by is null and closed_at is null and pickup_by <= now()`,
  );
  let closed = 0;
  for (const d of rows) if (await closeUnpickedDispatch(db, d.id, notTakenWhy(d, d.waited_ms), now, { pastPickupOnly: true })) closed++;
  return closed;
}
