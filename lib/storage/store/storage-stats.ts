import 'server-only';
import type { Queryable } from '@/lib/db';
import type { StorageSnapshot } from '@/lib/metrics/storage-metrics';
import { churnedTables } from './maintenance';

// What the store holds and how healthy its tables are (issue 17): for /metrics and the admin storage page.
// Rows and dead rows come from PostgreSQL's statistics (on PGlite, this process's are flushed first).

/** The tables that grow with the fleet or with time, and those rewritten in place. */
export const reportedTables = [...new Set([...churnedTables, 'audit_log', 'remediation_runs', 'remediation_batches'])];

export async function collectStorageSnapshot(q: Queryable, opts: { kind: 'pglite' | 'postgres' }): Promise<StorageSnapshot> {
  if (opts.kind === 'pglite') await q.query('select pg_stat_force_next_flush()').catch(() => undefined);
  const [db, wal, tables, oldest, maintenance] = await Promise.all([
    q.query<{ bytes: string }>(`select pg_database_size(current_database())::text as bytes`),
    // needs superuser or pg_monitor on PostgreSQL: unknown without it
    q.query<{ bytes: string | null }>(`select sum(size)::text as bytes from pg_ls_waldir()`).catch(() => ({ rows: [{ bytes: null }] })),
    q.query<{ table: string; bytes: string; rows: string; dead: string }>(
      // a partitioned table (liveness_events on PostgreSQL) holds nothing itself: its partitions are summed
      // (pg_partition_tree lists none for a plain table, hence the union with the table itself)
      `select c.relname as table, sum(pg_total_relation_size(t.relid))::text as bytes,
              coalesce(sum(s.n_live_tup), 0)::text as rows, coalesce(sum(s.n_dead_tup), 0)::text as dead
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         cross join lateral (select relid from pg_partition_tree(c.oid) union select c.oid) t
         left join pg_stat_user_tables s on s.relid = t.relid
        where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname = any($1::text[])
        group by c.relname
        order by sum(pg_total_relation_size(t.relid)) desc`,
      [reportedTables],
    ),
    // per node on the (node, at) indexes: a handful of index probes instead of a scan of the whole log
    q.query<{ event: Date | null; history: Date | null }>(
      `select min((select min(e.at) from liveness_events e where e.node = n.name)) as event,
              min((select min(h.at) from node_state_history h where h.node = n.name)) as history
         from nodes n`,
    ),
    q.query<{ task: string; last_run_at: Date }>(`select task, last_run_at from maintenance_runs order by task`),
  ]);
  return {
    storeBytes: Number(db.rows[0]?.bytes ?? 0),
    walBytes: wal.rows[0]?.bytes === null || wal.rows[0]?.bytes === undefined ? null : Number(wal.rows[0].bytes),
    tables: tables.rows.map((t) => ({ table: t.table, bytes: Number(t.bytes), rows: Number(t.rows), deadRows: Number(t.dead) })),
    oldestEventAt: oldest.rows[0]?.event ?? null,
    oldestHistoryAt: oldest.rows[0]?.history ?? null,
    maintenance: maintenance.rows.map((m) => ({ task: m.task, lastRunAt: m.last_run_at })),
  };
}
