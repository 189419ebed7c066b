import 'server-only';
import type { Db } from '../../db';
import { appendAudit } from '../../audit/store/append';
import { actorOf } from './execute';
import { batchColumns, runColumns, runRef, type BatchRow, type RunRow } from './rows';

const systemActor = { username: 'system', role: 'system' } as const;

/**
 * Closes intents that will never get an outcome (the process running them died): the run becomes
 * outcome-unknown by APPENDING a record, never by editing the intent; the rest of its batch is skipped.
 * `startup: true` (the single embedded agent, before it runs anything) closes every running intent;
 * otherwise those past their deadline, and those an agent took from the store (a relayed run, migration
 * 024) whose process no longer has a live heartbeat: safe with several agent processes, and any of them,
 * or any dashboard, may do it.
 */
export async function closeOrphanedIntents(db: Db, now: Date, opts: { startup?: boolean } = {}): Promise<number> {
  const orphans = opts.startup
    ? (await db.query<RunRow>(`select ${runColumns} from remediation_runs where state = 'running' order by started_at`)).rows.map((run) => ({
        run,
        why: 'no outcome recorded by restart',
      }))
    : [
        ...(
          await db.query<RunRow>(`select ${runColumns} from remediation_runs where state = 'running' and deadline_at < $1 order by started_at`, [now])
        ).rows.map((run) => ({
          run,
          why: 'no outcome recorded by the deadline',
        })),
        ...(await runsOfDeadAgents(db)).map(({ run, agent }) => ({
          run,
          why: `the agent ${agent} that ran it stopped (its heartbeat lapsed) before recording the outcome`,
        })),
      ];
  let closed = 0;
  const seen = new Set<string>();
  for (const { run, why } of orphans) {
    if (seen.has(run.id)) continue;
    seen.add(run.id);
    if (await closeOrphan(db, run, why, now)) closed++;
  }
  return closed;
}

/** Relayed runs still running whose agent process (id, host and pid) has no live heartbeat, by the database clock. */
async function runsOfDeadAgents(db: Db): Promise<{ run: RunRow; agent: string }[]> {
  const { rows } = await db.query<RunRow & { picked_by: string }>(
    `select ${runColumns
      .split(', ')
      .map((c) => `r.${c}`)
      .join(', ')}, d.picked_by from remediation_runs r
     join remediation_dispatch d on d.run_id = r.id and d.picked_by is not null
     where r.state = 'running'
       and not exists (select 1 from agent_heartbeats h
                       where h.agent_id = d.picked_by and h.host = d.picked_host and h.pid = d.picked_pid and h.expires_at > now())
     order by r.started_at`,
  );
  return rows.map(({ picked_by, ...run }) => ({ run, agent: picked_by }));
}

async function closeOrphan(db: Db, run: RunRow, why: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
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
      entry: { type: 'remediation.outcome-unknown', ...runRef(batch, run), why: `${why}; requested by ${actorOf(batch).username}` },
    });
    const rest = await tx.query<RunRow>(`select ${runColumns} from remediation_runs where batch_id = $1 and state = 'pending' order by position`, [batch.id]);
    for (const r of rest.rows) {
      const skippedWhy = `stopped: the outcome on ${run.node} is unknown`;
      await tx.query(`update remediation_runs set state = 'skipped', finished_at = $2, summary = $3 where id = $1`, [r.id, now, skippedWhy]);
      await appendAudit(tx, { at: now, actor: systemActor, node: r.node, entry: { type: 'remediation.skipped', ...runRef(batch, r), why: skippedWhy } });
    }
    await tx.query(`update remediation_batches set state = 'done' where id = $1 and state = 'running'`, [batch.id]);
    return true;
  });
}
