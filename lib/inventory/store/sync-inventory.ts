import 'server-only';
import type { Db, Queryable } from '@/lib/db';
import type { Inventory } from '@/lib/inventory/schema';

export interface SyncInventoryResult {
  upserted: number;
  removed: string[];
}

/**
 * Makes the `nodes` table match the inventory (the file stays the source of truth): upserts every
 * listed node, gives new ones a `pending` status, and removes nodes no longer listed (their
 * status, raw bundle and events go with them by cascade).
 */
export async function syncInventory(db: Pick<Db, 'transaction'>, inventory: Inventory): Promise<SyncInventoryResult> {
  const run = async (tx: Queryable): Promise<SyncInventoryResult> => {
    for (const n of inventory.nodes) {
      await tx.query(
        `insert into nodes (name, host, port, ssh_user, site, tags, proxy_jump, updated_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, now())
         on conflict (name) do update set host = excluded.host, port = excluded.port, ssh_user = excluded.ssh_user,
           site = excluded.site, tags = excluded.tags, proxy_jump = excluded.proxy_jump, updated_at = now()`,
        [n.name, n.host, n.port, n.user, n.site ?? null, JSON.stringify(n.tags), describeJump(n.proxyJump)],
      );
      await tx.query(`insert into node_status (node, state) values ($1, 'pending') on conflict (node) do nothing`, [n.name]);
    }
    const names = inventory.nodes.map((n) => n.name);
    const { rows } = await tx.query<{ name: string }>(`delete from nodes where not (name = any($1::text[])) returning name`, [names]);
    return { upserted: names.length, removed: rows.map((r) => r.name).sort() };
  };
  return db.transaction(run);
}

function describeJump(j: Inventory['nodes'][number]['proxyJump']): string | null {
  if (!j) return null;
  return j.kind === 'node' ? j.name : `${j.user ? `${j.user}@` : ''}${j.host}:${j.port}`;
}
