import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { diffStates } from '@/lib/model/diff';
import type { StableNodeState } from '@/lib/model/node-state';
import type { StateChangeRow } from '@/lib/node/node';

const windowMs = 15 * 60_000;

// "What changed": the node's recorded state changes in the 15 minutes before `asOf`, newest first, each
// diffed against the state before it (lib/model diffStates). History is change-only, so every row is a change.
export async function listStateChanges(opts: { node: string; asOf: Date; db?: Queryable }): Promise<StateChangeRow[]> {
  const db = opts.db ?? (await getDb());
  const from = new Date(opts.asOf.getTime() - windowMs);
  const { rows } = await db.query<{ at: Date; state: StableNodeState }>(
    `(select at, id, state from node_state_history where node = $1 and at > $2 and at <= $3)
     union all
     (select at, id, state from node_state_history where node = $1 and at <= $2 order by at desc, id desc limit 1)
     order by at, id`,
    [opts.node, from, opts.asOf],
  );
  const out: StateChangeRow[] = [];
  for (let i = 1; i < rows.length; i++) {
    const before = rows[i - 1];
    const after = rows[i];
    if (!before || !after) continue;
    for (const c of diffStates(before.state, after.state)) {
      out.push({ at: after.at.toISOString(), kind: c.kind, subject: c.subject, before: c.before ?? null, after: c.after ?? null });
    }
  }
  return out.reverse();
}
