import 'server-only';
import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../../canonical-json';
import { findAction } from '../catalog';
import { validateParams, type RenderedCommand } from '../render';
import type { ParamValue } from '../params';
import type { NodePlacement } from '../ports';
import { remediationRequestSchema, type RemediationRequestInput } from '../request';
import { hasRole } from '../../auth/roles';
import type { Db } from '../../db';
import { AppError } from '../../errors';
import { readSetting } from '../../settings/settings';
import { appendAudit } from '../../audit/store/append';
import type { UserRow } from '../../auth/store/users';
import { getBatch, type BatchWithRuns } from './get';
import { commandsForNode } from './node-commands';
import type { RemediationRuntime } from './runtime';
import { batchColumns, type BatchRow } from './rows';

/** Per user: at most this many remediation requests per minute (a stuck mouse or a script gone wrong). */
export const requestsPerMinute = readSetting('FNH_REMEDIATION_RATE_PER_MIN', process.env.FNH_REMEDIATION_RATE_PER_MIN);

export interface RequestOutcome extends BatchWithRuns {
  /** true when the idempotency key was seen before: nothing new was created or run */
  replayed: boolean;
}

/**
 * Records a remediation request (batch + one pending run per node + a `remediation.requested` audit
 * record per node, one transaction). It changes nothing on a node (see start.ts); an action
 * that depends on the node's connection mode reads it first (read-only) and is refused when it cannot.
 */
export async function requestRemediation(db: Db, rt: RemediationRuntime, user: UserRow, raw: unknown, now: Date): Promise<RequestOutcome> {
  const parsed = remediationRequestSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'bad_request',
      'invalid remediation request',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const input = parsed.data;
  const action = findAction(input.action);
  if (!action) throw new AppError('bad_request', 'unknown action');
  if (!hasRole(user.role, action.requiredRole)) throw new AppError('forbidden', `${action.title} needs the ${action.requiredRole} role`);
  const valid = validateParams(action, input.params);
  if (!valid.ok) throw new AppError('unprocessable', 'invalid parameters', valid.problems);

  const replay = await findByKey(db, user.username, input.idempotencyKey);
  if (replay) return sameRequestOrConflict(db, replay, input.action, valid.params, input.nodes);

  for (const node of input.nodes) if (!(await rt.health.exists(node))) throw new AppError('not_found', `unknown node ${node}`);
  // Refused requests count too (one audit record per node, all at the request's moment).
  const minuteAgo = new Date(now.getTime() - 60_000);
  const recent = await db.query<{ n: number }>(
    `select (select count(*)::int from remediation_batches where requested_by = $1 and created_at > $2)
          + (select count(distinct at)::int from audit_log where actor = $1 and type = 'remediation.refused' and at > $3) as n`,
    [user.username, minuteAgo, minuteAgo.toISOString()],
  );
  if ((recent.rows[0]?.n ?? 0) >= requestsPerMinute) throw new AppError('rate_limited', `at most ${requestsPerMinute} remediation requests per minute`);

  // A process that runs no agent hands each node to the agent holding its lease: without one, refuse now
  // (before any read of the node), and keep the refusal in the audit log.
  if (rt.placement) await refuseWithoutPlacement(db, rt.placement, user, input, action.id, valid.params, now);

  // Each node's exact commands, recorded with the request (an action may choose them by the node's mode).
  const planned = new Map<string, RenderedCommand[]>();
  const refusals: string[] = [];
  for (const node of input.nodes) {
    const c = await commandsForNode(rt, action, valid.params, node);
    if (c.ok) planned.set(node, c.commands);
    else refusals.push(`${node}: ${c.refusal}`);
  }
  if (refusals.length > 0)
    throw new AppError('unprocessable', refusals.length === 1 ? refusals[0]! : `${action.title} refused on ${refusals.length} nodes`, refusals);

  const batchId = randomUUID();
  const created = await db.transaction(async (tx) => {
    const ins = await tx.query<{ id: string }>(
      `insert into remediation_batches (id, idempotency_key, requested_by, requested_role, action, params, reason, alert_url, target_peer, needs_approval, state, created_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12)
       on conflict (requested_by, idempotency_key) do nothing returning id`,
      [
        batchId,
        input.idempotencyKey,
        user.username,
        user.role,
        action.id,
        JSON.stringify(valid.params),
        input.reason,
        input.alertUrl,
        input.targetPeer,
        action.needsApproval,
        action.needsApproval ? 'awaiting-approval' : 'ready',
        now,
      ],
    );
    if (ins.rows.length === 0) return false; // the same key raced in: the other request owns it
    for (const [position, node] of input.nodes.entries()) {
      const runId = randomUUID();
      const commands = planned.get(node)!;
      await tx.query(`insert into remediation_runs (id, batch_id, position, node, commands, state) values ($1, $2, $3, $4, $5::jsonb, 'pending')`, [
        runId,
        batchId,
        position,
        node,
        JSON.stringify(commands),
      ]);
      await appendAudit(tx, {
        at: now,
        actor: { username: user.username, role: user.role },
        node,
        entry: {
          type: 'remediation.requested',
          runId,
          batchId,
          action: action.id,
          params: valid.params,
          reason: input.reason,
          alertUrl: input.alertUrl,
          commands: commands.map((c) => c.line),
          needsApproval: action.needsApproval,
          targetPeer: input.targetPeer,
        },
      });
    }
    return true;
  });
  if (!created) {
    const again = await findByKey(db, user.username, input.idempotencyKey);
    if (!again) throw new AppError('internal', 'idempotency race lost without a winner');
    return sameRequestOrConflict(db, again, input.action, valid.params, input.nodes);
  }
  return { ...(await getBatch(db, batchId)), replayed: false };
}

async function refuseWithoutPlacement(
  db: Db,
  placement: NodePlacement,
  user: UserRow,
  input: RemediationRequestInput,
  action: string,
  params: Record<string, ParamValue>,
  now: Date,
): Promise<void> {
  const refusals: string[] = [];
  for (const node of input.nodes) {
    const why = await placement.refusal(node);
    if (why) refusals.push(why);
  }
  if (refusals.length === 0) return;
  const why = refusals.length === 1 ? refusals[0]! : `${refusals.length} of the ${input.nodes.length} nodes have no live lease holder: ${refusals.join('; ')}`;
  await db.transaction(async (tx) => {
    for (const node of input.nodes) {
      await appendAudit(tx, {
        at: now,
        actor: { username: user.username, role: user.role },
        node,
        entry: { type: 'remediation.refused', action, params, reason: input.reason, alertUrl: input.alertUrl, why },
      });
    }
  });
  throw new AppError('unprocessable', why, refusals.length > 1 ? refusals : undefined);
}

async function findByKey(db: Db, username: string, key: string): Promise<BatchRow | undefined> {
  const r = await db.query<BatchRow>(`select ${batchColumns} from remediation_batches where requested_by = $1 and idempotency_key = $2`, [username, key]);
  return r.rows[0];
}

async function sameRequestOrConflict(db: Db, batch: BatchRow, action: string, params: Record<string, unknown>, nodes: string[]): Promise<RequestOutcome> {
  const existing = await getBatch(db, batch.id);
  const sameNodes = canonicalJson(existing.runs.map((r) => r.node)) === canonicalJson(nodes);
  if (batch.action !== action || canonicalJson(batch.params) !== canonicalJson(params) || !sameNodes) {
    throw new AppError('conflict', 'this idempotency key was already used for a different request');
  }
  return { ...existing, replayed: true };
}
