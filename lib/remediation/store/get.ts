import 'server-only';
import type { Queryable } from '../../db';
import { AppError } from '../../errors';
import { batchColumns, runColumns, type BatchRow, type RunRow } from './rows';

export interface BatchWithRuns {
  batch: BatchRow;
  runs: RunRow[];
}

export async function getBatch(db: Queryable, batchId: string): Promise<BatchWithRuns> {
  const b = await db.query<BatchRow>(`select ${batchColumns} from remediation_batches where id = $1`, [batchId]);
  const batch = b.rows[0];
  if (!batch) throw new AppError('not_found', 'no such remediation');
  const runs = await db.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = $1 order by position`, [batchId]);
  return { batch, runs: runs.rows };
}

export async function listBatches(db: Queryable, opts: { limit: number; node?: string; awaitingApproval?: boolean }): Promise<BatchWithRuns[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.node) {
    params.push(opts.node);
    where.push(`id in (select batch_id from remediation_runs where node = $${params.length})`);
  }
  if (opts.awaitingApproval) where.push(`state = 'awaiting-approval'`);
  params.push(Math.min(Math.max(opts.limit, 1), 200));
  const b = await db.query<BatchRow>(
    `select ${batchColumns} from remediation_batches ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, id limit $${params.length}`,
    params,
  );
  if (b.rows.length === 0) return [];
  const runs = await db.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = any($1::text[]) order by batch_id, position`, [
    b.rows.map((r) => r.id),
  ]);
  return b.rows.map((batch) => ({ batch, runs: runs.rows.filter((r) => r.batch_id === batch.id) }));
}

/** The batch a run belongs to, or undefined when the run is gone. */
export async function batchIdOfRun(db: Queryable, runId: string): Promise<string | undefined> {
  return (await db.query<{ batch_id: string }>('select batch_id from remediation_runs where id = $1', [runId])).rows[0]?.batch_id;
}
