import 'server-only';
import type { Queryable } from '@/lib/db';
import { eventsDefaultPartition, eventsParent, partitionsPastRetention, partitionsToCreate, type DayPartition } from '@/lib/storage/event-partitions';

// The daily partitions of liveness_events on PostgreSQL (migration 052; the embedded store has none):
// created ahead by the agents' maintenance, dropped whole by retention. Each change is one DO statement,
// so it is atomic without a client transaction, and waits at most LOCK_TIMEOUT for the table (an ingest
// in flight) instead of queueing every poll and read behind it; a change that times out is retried at
// the next run.

const LOCK_TIMEOUT = '5s';
/** today and this many days after it always have their partition */
export const PARTITION_DAYS_AHEAD = 3;
// serializes partition changes of all agents (the maintenance claim already makes it one per period)
const PARTITION_LOCK = 727275;

/** The names of liveness_events's partitions, or null when the table is not partitioned (PGlite, before 052). */
export async function listEventPartitions(q: Queryable): Promise<string[] | null> {
  const { rows } = await q.query<{ kind: string | null; parts: string[] | null }>(
    `select (select relkind::text from pg_class where oid = to_regclass($1)) as kind,
            (select array_agg(c.relname::text order by c.relname) from pg_inherits i join pg_class c on c.oid = i.inhrelid
              where i.inhparent = to_regclass($1)) as parts`,
    [eventsParent],
  );
  if (rows[0]?.kind !== 'p') return null;
  return rows[0].parts ?? [];
}

const literal = (d: Date) => `'${d.toISOString()}'`;

/**
 * Creates today's partition and PARTITION_DAYS_AHEAD after it where missing. Rows of that day already in
 * the default partition (written before the partition existed) move into it in the same statement.
 */
export async function ensureEventPartitions(q: Queryable, now = new Date()): Promise<string[]> {
  const existing = await listEventPartitions(q);
  if (existing === null) return [];
  const created: string[] = [];
  for (const day of partitionsToCreate(existing, now, PARTITION_DAYS_AHEAD)) {
    await q.exec(createPartitionStatement(day));
    created.push(day.name);
  }
  return created;
}

// Names and bounds come from dayPartition (lib/storage/event-partitions.ts): digits and a fixed prefix only.
function createPartitionStatement(day: DayPartition): string {
  return `do $$ begin
    set local lock_timeout = '${LOCK_TIMEOUT}';
    perform pg_advisory_xact_lock(${PARTITION_LOCK});
    if to_regclass('${day.name}') is null then
      -- no new row of that day may reach the default partition between the move and the attach
      lock table ${eventsDefaultPartition} in share row exclusive mode;
      create table ${day.name} (like ${eventsParent} including defaults including constraints);
      with moved as (delete from ${eventsDefaultPartition} where at >= ${literal(day.from)} and at < ${literal(day.to)} returning *)
        insert into ${day.name} select * from moved;
      alter table ${eventsParent} attach partition ${day.name} for values from (${literal(day.from)}) to (${literal(day.to)});
    end if;
  end $$`;
}

/** Drops every partition whose whole day is before the cutoff; resolves with their names, oldest first. */
export async function dropEventPartitionsBefore(q: Queryable, cutoff: Date): Promise<string[]> {
  const existing = await listEventPartitions(q);
  if (existing === null) return [];
  const dropped: string[] = [];
  for (const day of partitionsPastRetention(existing, cutoff)) {
    await q.exec(`do $$ begin
      set local lock_timeout = '${LOCK_TIMEOUT}';
      perform pg_advisory_xact_lock(${PARTITION_LOCK});
      drop table if exists ${day.name};
    end $$`);
    dropped.push(day.name);
  }
  return dropped;
}
