import 'server-only';
import { z } from 'zod';
import { approvalRefusal } from '../../auth/permissions';
import type { Db } from '../../db';
import { AppError } from '../../errors';
import { appendAudit } from '../../audit/store/append';
import type { UserRow } from '../../auth/store/users';
import { getBatch, type BatchWithRuns } from './get';
import { runRef } from './rows';

export const decisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  why: z.string().trim().max(500).default(''),
});

/**
 * A second person approves or rejects a batch awaiting approval. The state change and one audit record
 * per node commit together; only one decision can win (the update is conditional on the state).
 */
export async function decideBatch(db: Db, user: UserRow, batchId: string, raw: unknown, now: Date): Promise<BatchWithRuns> {
  const parsed = decisionSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('bad_request', 'decision must be approve or reject');
  const { decision, why } = parsed.data;
  const { batch, runs } = await getBatch(db, batchId);
  const refusal = approvalRefusal({ approverRole: user.role, approverId: user.username, requesterId: batch.requested_by });
  if (refusal) throw new AppError('forbidden', refusal);
  if (decision === 'reject' && why.length < 3) throw new AppError('bad_request', 'say why you reject it');

  await db.transaction(async (tx) => {
    const upd = await tx.query(
      `update remediation_batches set state = $2, decided_by = $3, decided_at = $4 where id = $1 and state = 'awaiting-approval' returning id`,
      [batchId, decision === 'approve' ? 'approved' : 'rejected', user.username, now],
    );
    if (upd.rows.length === 0) throw new AppError('conflict', 'this request is not awaiting approval any more');
    for (const run of runs) {
      if (decision === 'reject') {
        await tx.query(`update remediation_runs set state = 'rejected', finished_at = $2, summary = $3 where id = $1 and state = 'pending'`, [
          run.id,
          now,
          `rejected by ${user.username}: ${why}`,
        ]);
      }
      await appendAudit(tx, {
        at: now,
        actor: { username: user.username, role: user.role },
        node: run.node,
        entry:
          decision === 'approve'
            ? { type: 'remediation.approved', ...runRef(batch, run), requestedBy: batch.requested_by }
            : { type: 'remediation.rejected', ...runRef(batch, run), requestedBy: batch.requested_by, why },
      });
    }
  });
  return getBatch(db, batchId);
}
