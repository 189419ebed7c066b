import 'server-only';
import type { Queryable } from '@/lib/db';
import { keptFrom, type Retention, type RetentionKind } from '@/lib/storage/retention-config';
import { dropEventPartitionsBefore } from './event-partitions';

// Retention (issue 17): deletes what is past each kind's window, in small batches. Every batch is one
// statement (its own transaction) that deletes only rows past the window, so a store stopped or killed
// mid-prune has lost nothing it should keep, and the next sweep goes on where this one stopped. Between
// batches the caller yields (maintenance.ts), so polls and page reads get the store in between.
// The change-only tables (state history, verdict changes) keep the row in effect at the cutoff: every
// moment from the cutoff on still rebuilds. The audit log is never touched here.

export interface PruneStep {
  kind: RetentionKind | 'housekeeping';
  table: string;
  /** deletes at most `limit` rows past `cutoff`; resolves with how many it deleted */
  batch(q: Queryable, cutoff: Date, limit: number): Promise<number>;
  /** before the batches: drops whole partitions past the cutoff (PostgreSQL); resolves with their names */
  dropWhole?(q: Queryable, cutoff: Date): Promise<string[]>;
}

const count = async (q: Queryable, sql: string, params: readonly unknown[]): Promise<number> => (await q.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;

/**
 * A change-only table's batch: a row before the cutoff goes when a later row of the same key (at or before the
 * cutoff) replaced it, or when `goneWhen` says its own change was a removal. Table and columns are constants.
 */
function supersededBefore(table: string, key: readonly string[], goneWhen?: string): PruneStep['batch'] {
  const sameKey = key.map((k) => `y.${k} = x.${k}`).join(' and ');
  const replaced = `exists (
                select 1 from ${table} y where ${sameKey} and y.at <= $1 and (y.at > x.at or (y.at = x.at and y.id > x.id)))`;
  const sql = `with gone as (
           delete from ${table} where id in (
             select x.id from ${table} x
              where x.at < $1 and ${goneWhen ? `(${goneWhen} or ${replaced})` : replaced}
              limit $2)
           returning 1)
         select count(*)::int as n from gone`;
  return (q, cutoff, limit) => count(q, sql, [cutoff, limit]);
}

const steps: PruneStep[] = [
  {
    kind: 'events',
    table: 'liveness_events',
    // on PostgreSQL the days wholly past the window go as partitions first; the rest (the cutoff's own day,
    // the default partition) by row. `at < $1` twice: the delete then visits only partitions before the cutoff.
    dropWhole: dropEventPartitionsBefore,
    batch: (q, cutoff, limit) =>
      count(
        q,
        `with gone as (delete from liveness_events where at < $1 and id in (select id from liveness_events where at < $1 limit $2) returning 1) select count(*)::int as n from gone`,
        [cutoff, limit],
      ),
  },
  {
    kind: 'raw',
    table: 'node_raw_sections',
    // the latest output of nodes not polled successfully since the cutoff (a node still polled keeps it)
    batch: (q, cutoff, limit) =>
      count(
        q,
        `with gone as (
           delete from node_raw_sections r where (r.node, r.section) in (
             select r2.node, r2.section from node_raw_sections r2 left join node_status s on s.node = r2.node
              where r2.collected_at < $1 and (s.last_success_at is null or s.last_success_at < $1) limit $2)
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff, limit],
      ),
  },
  {
    kind: 'history',
    table: 'node_state_history',
    // a row before the cutoff goes when a later row at or before the cutoff replaced it
    batch: supersededBefore('node_state_history', ['node']),
  },
  {
    kind: 'history',
    table: 'peer_verdict_changes',
    // the same per (node, peer); a peer's last change before the cutoff saying it was gone goes too
    batch: supersededBefore('peer_verdict_changes', ['node', 'peer'], 'x.verdict is null'),
  },
  {
    kind: 'history',
    table: 'node_verdict_changes',
    batch: supersededBefore('node_verdict_changes', ['node']),
  },
  {
    kind: 'alerts',
    table: 'alerts',
    batch: (q, cutoff, limit) =>
      count(
        q,
        `with gone as (
           delete from alerts where (fingerprint, starts_at) in (
             select fingerprint, starts_at from alerts where status = 'resolved' and last_received_at < $1 limit $2)
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff, limit],
      ),
  },
  {
    kind: 'remediation',
    table: 'remediation_runs',
    // finished runs (and the dispatch rows that carried them, where dispatch exists), then requests left empty
    batch: async (q, cutoff, limit) => {
      const dispatch = (await q.query<{ t: string | null }>(`select to_regclass('remediation_dispatch')::text as t`)).rows[0]?.t;
      const runs = await count(
        q,
        `with victims as (
           select id from remediation_runs
            where state not in ('pending', 'running') and coalesce(finished_at, started_at) < $1 limit $2),
         ${dispatch ? `undispatched as (delete from remediation_dispatch d using victims v where d.run_id = v.id and d.closed_at is not null),` : ''}
         gone as (delete from remediation_runs r using victims v where r.id = v.id
           ${dispatch ? `and not exists (select 1 from remediation_dispatch d where d.run_id = r.id and d.closed_at is null)` : ''} returning 1)
         select count(*)::int as n from gone`,
        [cutoff, limit],
      );
      const batches = await count(
        q,
        `with gone as (
           delete from remediation_batches b where b.id in (
             select id from remediation_batches x where x.state in ('done', 'rejected') and x.created_at < $1
                and not exists (select 1 from remediation_runs r where r.batch_id = x.id) limit $2)
           returning 1)
         select count(*)::int as n from gone`,
        [cutoff, limit],
      );
      return runs + batches;
    },
  },
  {
    kind: 'housekeeping',
    table: 'sessions',
    // expired sign-in sessions are refused anyway; the cutoff is "now"
    batch: (q, cutoff, limit) =>
      count(
        q,
        `with gone as (delete from sessions where token_hash in (select token_hash from sessions where expires_at < $1 limit $2) returning 1) select count(*)::int as n from gone`,
        [cutoff, limit],
      ),
  },
];

export interface PruneReport {
  /** rows deleted per table */
  deleted: Record<string, number>;
  /** whole partitions dropped (PostgreSQL's daily liveness_events partitions); their rows are not counted */
  droppedPartitions: string[];
  batches: number;
  ms: number;
}

export interface PruneOptions {
  now?: Date;
  /** rows per statement (default 2,000: a batch holds the embedded store for a few milliseconds) */
  batchSize?: number;
  /** called between batches: maintenance yields to polls and reads here; a rejection stops the sweep */
  between?: () => Promise<void>;
}

/** One sweep over every kind: batches until each table has nothing past its window. */
export async function pruneExpired(q: Queryable, retention: Retention, opts: PruneOptions = {}): Promise<PruneReport> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const limit = opts.batchSize ?? 2_000;
  const report: PruneReport = { deleted: {}, droppedPartitions: [], batches: 0, ms: 0 };
  for (const step of steps) {
    const cutoff = step.kind === 'housekeeping' ? now : keptFrom(retention, step.kind, now);
    if (!cutoff) continue;
    if (step.dropWhole) {
      report.droppedPartitions.push(...(await step.dropWhole(q, cutoff)));
      await opts.between?.();
    }
    for (;;) {
      const n = await step.batch(q, cutoff, limit);
      report.batches++;
      report.deleted[step.table] = (report.deleted[step.table] ?? 0) + n;
      if (n < limit) break;
      await opts.between?.();
    }
    await opts.between?.();
  }
  report.ms = Date.now() - started;
  return report;
}
