import 'server-only';
import type { Db } from '../../db';
import type { Clock } from './execute';
import { dispatchPickupMs, readDispatch } from './dispatch';
import { getBatch } from './get';
import { closeUnpickedDispatch, dispatchNextRun, notTakenWhy } from './relay-batch';
import type { DispatchSignals } from './signals';
import { runColumns, type RunRow } from './rows';
import type { Started } from './start';

/**
 * startBatch (start.ts) for a process that runs no commands: the first node's run is stored
 * for its lease holder, and the answer waits until that agent claimed it (or recorded a conflict), as an
 * embedded start knows its first claim before responding. The agent does the rest of the batch; the
 * browser follows it by reading the store (the run's results, written after each command).
 * Work the lease holder does not take within the pickup time is closed here: skipped, with the reason.
 */
export async function startRelayedBatch(db: Db, batchId: string, clock: Clock, opts: { signals: DispatchSignals; pickupMs?: number }): Promise<Started> {
  const none = Promise.resolve();
  const started = await db.query<{ id: string }>(
    `update remediation_batches set state = 'running' where id = $1 and state in ('ready', 'approved') returning id`,
    [batchId],
  );
  if (started.rows.length === 0) return { first: { kind: 'not-startable' }, completion: none };
  const { batch } = await getBatch(db, batchId);
  const pickupMs = opts.pickupMs ?? dispatchPickupMs;
  const next = await dispatchNextRun(db, batch, clock(), pickupMs);
  if (next.kind === 'none') return { first: { kind: 'gone' }, completion: none };
  if (next.kind === 'refused') return { first: next, completion: none };

  const runNow = async () => (await db.query<RunRow>(`select ${runColumns} from remediation_runs where id = $1`, [next.run.id])).rows[0];
  const settled = async (): Promise<Started['first'] | undefined> => {
    const run = await runNow();
    if (!run) return { kind: 'gone' };
    if (run.state === 'pending') return undefined;
    if (run.state === 'conflict') {
      const holder = await db.query<{ id: string }>(`select id from remediation_runs where node = $1 and state = 'running' and id <> $2`, [run.node, run.id]);
      return { kind: 'conflict', run, heldByRunId: holder.rows[0]?.id ?? null };
    }
    if (run.state === 'skipped') return { kind: 'refused', run, why: run.summary ?? 'not run' };
    return { kind: 'claimed', run };
  };
  const first = await opts.signals.waitFor(next.dispatchId, settled, { timeoutMs: pickupMs + 1_000 });
  if (first) return { first, completion: none };
  // Nobody took it in time: close it (unless an agent takes it at this very moment: then report that).
  const d = await readDispatch(db, next.dispatchId);
  const why = notTakenWhy({ node: next.run.node, addressed_to: d?.addressed_to ?? 'unknown' }, pickupMs);
  await closeUnpickedDispatch(db, next.dispatchId, why, clock(), { pastPickupOnly: false });
  return { first: (await settled()) ?? { kind: 'gone' }, completion: none };
}
