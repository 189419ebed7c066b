import 'server-only';
import type { Db } from '@/lib/db';

/**
 * A clean stop: gives back every lease of this agent and ends its heartbeat, so the other agents take
 * its nodes at their next tick instead of after the lease period.
 */
export async function releaseLeases(db: Pick<Db, 'transaction'>, agentId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ node: string }>(
      `update node_leases set agent_id = null, acquired_at = null, expires_at = null where agent_id = $1 returning node`,
      [agentId],
    );
    await tx.query(`delete from agent_heartbeats where agent_id = $1`, [agentId]);
    return rows.length;
  });
}
