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
    // One statement for the whole inventory: at 1,000 nodes, two statements per node cost ~1 s of the
    // embedded store's start.
    const col = <T>(f: (n: Inventory['nodes'][number]) => T): T[] => inventory.nodes.map(f);
    const names = col((n) => n.name);
    await tx.query(
      `with listed as (
         insert into nodes (name, host, port, ssh_user, site, tags, proxy_jump, updated_at)
         select name, host, port, ssh_user, site, tags::jsonb, proxy_jump, now()
           from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
             as t(name, host, port, ssh_user, site, tags, proxy_jump)
         on conflict (name) do update set host = excluded.host, port = excluded.port, ssh_user = excluded.ssh_user,
           site = excluded.site, tags = excluded.tags, proxy_jump = excluded.proxy_jump, updated_at = now()
         returning name)
       insert into node_status (node, state) select name, 'pending' from listed on conflict (node) do nothing`,
      [
        names,
        col((n) => n.host),
        col((n) => n.port),
        col((n) => n.user),
        col((n) => n.site ?? null),
        col((n) => JSON.stringify(n.tags)),
        col((n) => describeJump(n.proxyJump)),
      ],
    );
    const { rows } = await tx.query<{ name: string }>(`delete from nodes where not (name = any($1::text[])) returning name`, [names]);
    return { upserted: names.length, removed: rows.map((r) => r.name).sort() };
  };
  return db.transaction(run);
}

function describeJump(j: Inventory['nodes'][number]['proxyJump']): string | null {
  if (!j) return null;
  return j.kind === 'node' ? j.name : `${j.user ? `${j.user}@` : ''}${j.host}:${j.port}`;
}
