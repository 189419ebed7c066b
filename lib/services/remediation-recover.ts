import 'server-only';
import type { Db } from '../db';
import { appendAudit } from './audit-append';
import { actorOf } from './remediation-execute';
import { batchColumns, runColumns, runRef, type BatchRow, type RunRow } from './remediation-rows';

const systemActor = { username: 'system', role: 'system' } as const;

/**
 * Closes intents that will never get an outcome (the process running them died): the run becomes
 * outcome-unknown by APPENDING a record, never by editing the intent; the rest of its batch is skipped.
 * `startup: true` (the single embedded agent, before it runs anything) closes every running intent;
 * otherwise only those past their deadline, which is safe with several agent processes.
 */
export async function closeOrphanedIntents(db: Db, now: Date, opts: { startup?: boolean } = {}): Promise<number> {
  const orphans = await db.query<RunRow>(
    `select ${runColumns} from remediation_runs where state = 'running' ${opts.startup ? '' : 'and deadline_at < $1'} order by started_at`,
    opts.startup ? [] : [now],
  );
  let closed = 0;
  for (const run of orphans.rows) {
    const done = await db.transaction(async (tx) => {
      const upd = await tx.query(
        `update remediation_runs set state = 'outcome-unknown', finished_at = $2, summary = $3 where id = $1 and state = 'running' returning id`,
        [run.id, now, 'the process running this remediation stopped before recording its outcome'],
      );
      if (upd.rows.length === 0) return false;
      const b = await tx.query<BatchRow>(`select ${batchColumns} from remediation_batches where id = $1`, [run.batch_id]);
      const batch = b.rows[0]!;
      await appendAudit(tx, {
        at: now,
        actor: systemActor,
        node: run.node,
        entry: { type: 'remediation.outcome-unknown', ...runRef(batch, run), why: `no outcome recorded by ${opts.startup ? 'restart' : 'the deadline'}; requested by ${actorOf(batch).username}` },
      });
      const rest = await tx.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = $1 and state = 'pending' order by position`, [batch.id]);
      for (const r of rest.rows) {
        const why = `stopped: the outcome on ${run.node} is unknown`;
        await tx.query(`update remediation_runs set state = 'skipped', finished_at = $2, summary = $3 where id = $1`, [r.id, now, why]);
        await appendAudit(tx, { at: now, actor: systemActor, node: r.node, entry: { type: 'remediation.skipped', ...runRef(batch, r), why } });
      }
      await tx.query(`update remediation_batches set state = 'done' where id = $1 and state = 'running'`, [batch.id]);
      return true;
    });
    if (done) closed++;
  }
  return closed;
}
