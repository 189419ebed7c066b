import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import { planLeases } from '@/lib/lease/fair-share';

// One lease tick of one agent, in one transaction: heartbeat, renew what it holds, give back what
// exceeds its fair share, claim free or expired leases up to it. Expiry uses the database clock.

export interface LeaseTickInput {
  agentId: string;
  leaseMs: number;
  host: string;
  pid: number;
}

export interface LeaseTickResult {
  /** nodes this agent holds until the new expiry, sorted */
  held: string[];
  liveAgents: number;
  target: number;
}

const ms = (param: string) => `(${param}::int * interval '1 millisecond')`;

export async function leaseTick(db: Pick<Db, 'transaction'>, input: LeaseTickInput): Promise<LeaseTickResult> {
  return db.transaction(async (tx) => {
    await heartbeat(tx, input);
    // A node added to the inventory gets its (free) lease row the first time any agent ticks.
    await tx.query(
      `insert into node_leases (node) select n.name from nodes n where not exists (select 1 from node_leases l where l.node = n.name) on conflict (node) do nothing`,
    );
    // Renewing by agent_id (not by expiry) keeps a lease that lapsed while nobody took it; a lease another
    // agent claimed has its agent_id, so it is not ours any more.
    const renewed = await tx.query<{ node: string }>(`update node_leases set expires_at = now() + ${ms('$2')} where agent_id = $1 returning node`, [
      input.agentId,
      input.leaseMs,
    ]);
    const held = new Set(renewed.rows.map((r) => r.node));
    const { rows: counts } = await tx.query<{ nodes: number; agents: number }>(
      `select (select count(*)::int from node_leases) as nodes, (select count(*)::int from agent_heartbeats where expires_at > now()) as agents`,
    );
    const plan = planLeases({ nodes: counts[0]?.nodes ?? 0, liveAgents: counts[0]?.agents ?? 1, held: held.size });
    if (plan.release > 0) {
      const released = await tx.query<{ node: string }>(
        `update node_leases set agent_id = null, acquired_at = null, expires_at = null
         where node in (select node from node_leases where agent_id = $1 order by node desc limit $2) returning node`,
        [input.agentId, plan.release],
      );
      for (const r of released.rows) held.delete(r.node);
    }
    if (plan.claim > 0) {
      // SKIP LOCKED: agents ticking at the same moment take disjoint sets instead of waiting on each other.
      const claimed = await tx.query<{ node: string }>(
        `with free as (
           select node from node_leases where agent_id is null or expires_at <= now()
           order by node limit $3 for update skip locked)
         update node_leases l set agent_id = $1, acquired_at = now(), expires_at = now() + ${ms('$2')}
         from free where l.node = free.node returning l.node`,
        [input.agentId, input.leaseMs, plan.claim],
      );
      for (const r of claimed.rows) held.add(r.node);
    }
    return { held: [...held].sort(), liveAgents: Math.max(1, counts[0]?.agents ?? 1), target: plan.target };
  });
}

async function heartbeat(tx: Queryable, input: LeaseTickInput): Promise<void> {
  await tx.query(
    `insert into agent_heartbeats (agent_id, host, pid, started_at, seen_at, expires_at)
     values ($1, $2, $3, now(), now(), now() + ${ms('$4')})
     on conflict (agent_id) do update set host = excluded.host, pid = excluded.pid, seen_at = now(), expires_at = excluded.expires_at`,
    [input.agentId, input.host, input.pid, input.leaseMs],
  );
  // Heartbeats of agents long gone only clutter the table (and /metrics).
  await tx.query(`delete from agent_heartbeats where expires_at < now() - interval '1 hour'`);
}
