import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../../db';

// Work a dashboard without an agent hands to the agent holding a node's lease (migration 024). This file
// is the store side both ends share: who holds a lease now, storing work and announcing it, taking it,
// closing it. Liveness and expiry are judged by the database clock, as the leases are.

/** Agents LISTEN here; the payload is the node whose work was stored. */
export const REMEDIATION_WORK_CHANNEL = 'fnh_remediation_work';
/** Requesters LISTEN here; the payload is the dispatch id that was taken, answered or closed. */
export const REMEDIATION_DONE_CHANNEL = 'fnh_remediation_done';
/** How long the lease holder has to take stored work before the requester refuses it (it normally takes milliseconds). */
export const dispatchPickupMs = 8_000;

export type DispatchKind = 'run' | 'status-read';

export interface DispatchRow {
  id: string;
  kind: DispatchKind;
  node: string;
  run_id: string | null;
  addressed_to: string;
  picked_by: string | null;
  result: unknown;
  closed_at: Date | null;
  refusal: string | null;
}

const dispatchColumns = 'id, kind, node, run_id, addressed_to, picked_by, result, closed_at, refusal';

/** The agent process taking work: its lease id, and the host and pid its heartbeat carries. */
export interface Picker {
  agentId: string;
  host: string;
  pid: number;
}

/** For each node, the agent holding its lease now whose heartbeat is live; nodes without one are absent. */
export async function liveLeaseHolders(db: Queryable, nodes: readonly string[]): Promise<Map<string, string>> {
  if (nodes.length === 0) return new Map();
  const { rows } = await db.query<{ node: string; agent_id: string }>(
    `select l.node, l.agent_id from node_leases l
     join agent_heartbeats h on h.agent_id = l.agent_id and h.expires_at > now()
     where l.node = any($1::text[]) and l.expires_at > now()`,
    [nodes],
  );
  return new Map(rows.map((r) => [r.node, r.agent_id]));
}

export function noLiveHolderReason(node: string): string {
  return `no live agent holds the lease of ${node}, and this dashboard runs no agent: nothing was run (start \`npm run agent\` on PostgreSQL, or wait until an agent takes the node)`;
}

/** Stores work for the node's lease holder and wakes the agents (the NOTIFY is delivered on commit). */
export async function insertDispatch(
  tx: Queryable,
  input: { kind: DispatchKind; node: string; runId: string | null; addressedTo: string; pickupMs: number },
): Promise<string> {
  const id = randomUUID();
  await tx.query(
    `insert into remediation_dispatch (id, kind, node, run_id, requested_at, addressed_to, pickup_by)
     values ($1, $2, $3, $4, now(), $5, now() + ($6::int * interval '1 millisecond'))`,
    [id, input.kind, input.node, input.runId, input.addressedTo, input.pickupMs],
  );
  await tx.query('select pg_notify($1, $2)', [REMEDIATION_WORK_CHANNEL, input.node]);
  return id;
}

export async function readDispatch(db: Queryable, id: string): Promise<DispatchRow | undefined> {
  const { rows } = await db.query<DispatchRow>(`select ${dispatchColumns} from remediation_dispatch where id = $1`, [id]);
  return rows[0];
}

/** Open work on the nodes whose lease this agent holds now, oldest first. */
export async function openDispatchesFor(db: Queryable, agentId: string, limit = 50): Promise<DispatchRow[]> {
  const { rows } = await db.query<DispatchRow>(
    `select ${dispatchColumns
      .split(', ')
      .map((c) => `d.${c}`)
      .join(', ')} from remediation_dispatch d
     join node_leases l on l.node = d.node and l.agent_id = $1 and l.expires_at > now()
     where d.picked_by is null and d.closed_at is null and d.pickup_by > now()
     order by d.requested_at limit $2`,
    [agentId, limit],
  );
  return rows;
}

/**
 * Takes one piece of work: only while it is open, within its pickup time, and while this agent holds the
 * node's lease. Exactly one agent can win. Pass the claim's transaction for a run, so the intent and the
 * taking commit together.
 */
export async function takeDispatch(q: Queryable, id: string, picker: Picker): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `update remediation_dispatch d set picked_by = $2, picked_host = $3, picked_pid = $4, picked_at = now()
     where d.id = $1 and d.picked_by is null and d.closed_at is null and d.pickup_by > now()
       and exists (select 1 from node_leases l where l.node = d.node and l.agent_id = $2 and l.expires_at > now())
     returning d.id`,
    [id, picker.agentId, picker.host, picker.pid],
  );
  if (rows.length === 0) return false;
  await q.query('select pg_notify($1, $2)', [REMEDIATION_DONE_CHANNEL, id]);
  return true;
}

/** What an agent stores for a status read: the command's capped output, or why it could not run. */
export const statusReadResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    exitCode: z.number().int().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    timedOut: z.boolean(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type StatusReadResult = z.infer<typeof statusReadResultSchema>;

export async function answerStatusRead(db: Queryable, id: string, agentId: string, result: StatusReadResult): Promise<void> {
  await db.query(
    `with answered as (update remediation_dispatch set result = $3::jsonb, closed_at = now() where id = $1 and picked_by = $2 and closed_at is null returning id)
     select pg_notify($4, id) from answered`,
    [id, agentId, JSON.stringify(result), REMEDIATION_DONE_CHANNEL],
  );
}

/** Marks work finished (a run with its outcome recorded); idempotent. */
export async function closeDispatch(db: Queryable, id: string): Promise<void> {
  await db.query(
    `with closed as (update remediation_dispatch set closed_at = now() where id = $1 and closed_at is null returning id)
     select pg_notify($2, id) from closed`,
    [id, REMEDIATION_DONE_CHANNEL],
  );
}

/** Closed status reads are only of use to the request that waited for them. */
export async function purgeAnsweredStatusReads(db: Queryable): Promise<void> {
  await db.query(`delete from remediation_dispatch where kind = 'status-read' and closed_at < now() - interval '1 hour'`);
}
