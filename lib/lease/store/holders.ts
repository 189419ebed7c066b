import 'server-only';
import type { Queryable } from '@/lib/db';

export interface LeaseHolders {
  /** unexpired leases per agent */
  byAgent: Map<string, number>;
  /** nodes nobody holds right now (never claimed, released, or expired) */
  unheld: number;
  liveAgents: number;
}

/** Who polls what right now, by the database clock (for /metrics and the tests). */
export async function readLeaseHolders(db: Queryable): Promise<LeaseHolders> {
  const { rows } = await db.query<{ agent_id: string; n: number }>(
    `select agent_id, count(*)::int as n from node_leases where agent_id is not null and expires_at > now() group by agent_id order by agent_id`,
  );
  const { rows: other } = await db.query<{ unheld: number; agents: number }>(
    `select (select count(*)::int from nodes n left join node_leases l on l.node = n.name
             where l.agent_id is null or l.expires_at <= now()) as unheld,
            (select count(*)::int from agent_heartbeats where expires_at > now()) as agents`,
  );
  return { byAgent: new Map(rows.map((r) => [r.agent_id, r.n])), unheld: other[0]?.unheld ?? 0, liveAgents: other[0]?.agents ?? 0 };
}
