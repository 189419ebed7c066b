import 'server-only';
import { z } from 'zod';
import { remediationRequestSchema, remediationTargetSchema, type RemediationRequestInput } from '../request';
import { getDb, type Db } from '../../db';
import { AppError } from '../../errors';
import type { UserRow } from '../../auth/store/users';
import { decideBatch, decisionSchema } from './decide';
import type { Clock } from './execute';
import { getBatch, listBatches, type BatchWithRuns } from './get';
import { previewRemediation, type Preview } from './preview';
import { closeOrphanedIntents } from './recover';
import { processDispatchSignals, relayRuntime } from './relay';
import { expireStaleDispatches } from './relay-batch';
import { startRelayedBatch } from './relay-start';
import { requestRemediation } from './request';
import { findRemediationRuntime, type RemediationRuntime } from './runtime';
import type { DispatchSignals } from './signals';
import { startBatch, type Started } from './start';

// What the /api/actions route handlers call, after lib/http/route.ts checked CSRF, the session and the
// role the route names: the user and the parsed body, never the request.
// A process whose agent registered a runtime (the embedded single-process default) runs actions over its
// own SSH connections; any other (FNH_AGENT=off, or an embedded agent sharing the fleet by leases)
// relays them to the agent holding each node's lease (relay.ts).

const clock = () => new Date();

function runtimeFor(db: Db): RemediationRuntime {
  return findRemediationRuntime() ?? relayRuntime(db, { signals: processDispatchSignals() });
}

type Issues = ReadonlyArray<{ path: PropertyKey[]; message: string }>;
const named = (issues: Issues) => issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);

/** The bodies of the /api/actions routes, each with the refusal the page has always shown. */
export const remediationBodies = {
  preview: { schema: remediationTargetSchema, invalid: (issues: Issues) => new AppError('bad_request', 'invalid preview request', named(issues)) },
  request: { schema: remediationRequestSchema, invalid: (issues: Issues) => new AppError('bad_request', 'invalid remediation request', named(issues)) },
  decision: { schema: decisionSchema, invalid: () => new AppError('bad_request', 'decision must be approve or reject') },
};
export type RemediationTarget = z.infer<typeof remediationTargetSchema>;
export type Decision = z.infer<typeof decisionSchema>;

/** `?node=&awaiting=1&limit=` of the run list (a limit that is not a number is the default 50). */
export const listQuerySchema = z.object({
  node: z.string().optional(),
  awaiting: z.string().optional(),
  limit: z.string().optional(),
});

export async function preview(user: UserRow, target: RemediationTarget): Promise<Preview> {
  return previewRemediation(runtimeFor(await getDb()), user, target);
}

export interface Submitted {
  result: BatchWithRuns & { replayed: boolean };
  /** the rest of the run after the response: the route handler hands it to next/server after() */
  completion: Promise<void>;
  /** set when the first node was busy with another remediation (the response is a 409) */
  conflict?: AppError;
}

/** Records the request; when it needs no approval, starts it and reports the first node's claim at once. */
export async function submit(user: UserRow, body: RemediationRequestInput): Promise<Submitted> {
  const db = await getDb();
  return submitAs(db, runtimeFor(db), user, body, { clock, signals: processDispatchSignals() });
}

export interface SubmitContext {
  clock: Clock;
  /** where a relaying process hears back from lease holders */
  signals: DispatchSignals;
  pickupMs?: number;
}

/** submit with its store and runtime chosen: the whole path of a request, embedded or relayed (tests call it directly). */
export async function submitAs(db: Db, rt: RemediationRuntime, user: UserRow, body: unknown, ctx: SubmitContext): Promise<Submitted> {
  await sweepRemediation(db, ctx.clock());
  const req = await requestRemediation(db, rt, user, body, ctx.clock());
  let completion: Promise<void> = Promise.resolve();
  let conflict: AppError | undefined;
  if (!req.replayed && req.batch.state === 'ready') {
    const started = await start(db, rt, req.batch.id, ctx);
    completion = started.completion;
    if (started.first.kind === 'conflict') {
      conflict = new AppError('conflict', `another remediation is running on ${started.first.run.node}`, {
        batchId: req.batch.id,
        heldByRunId: started.first.heldByRunId,
      });
    }
    if (started.first.kind === 'refused') throw new AppError('unprocessable', started.first.why, { batchId: req.batch.id });
  }
  return { result: { ...(await getBatch(db, req.batch.id)), replayed: req.replayed }, completion, conflict };
}

export async function decide(user: UserRow, batchId: string, body: Decision): Promise<Submitted> {
  const db = await getDb();
  return decideAs(db, runtimeFor(db), user, batchId, body, { clock, signals: processDispatchSignals() });
}

export async function decideAs(db: Db, rt: RemediationRuntime, user: UserRow, batchId: string, body: unknown, ctx: SubmitContext): Promise<Submitted> {
  const decided = await decideBatch(db, user, batchId, body, ctx.clock());
  if (decided.batch.state !== 'approved') return { result: { ...decided, replayed: false }, completion: Promise.resolve() };
  const started = await start(db, rt, batchId, ctx);
  if (started.first.kind === 'refused') throw new AppError('unprocessable', `approved, but ${started.first.why}`, { batchId });
  const conflict =
    started.first.kind === 'conflict'
      ? new AppError('conflict', `approved, but another remediation is running on ${started.first.run.node}`, { batchId })
      : undefined;
  return { result: { ...(await getBatch(db, batchId)), replayed: false }, completion: started.completion, conflict };
}

function start(db: Db, rt: RemediationRuntime, batchId: string, ctx: SubmitContext): Promise<Started> {
  return rt.placement ? startRelayedBatch(db, batchId, ctx.clock, { signals: ctx.signals, pickupMs: ctx.pickupMs }) : startBatch(db, rt, batchId, ctx.clock);
}

/** Orphaned intents and stored work nobody took: any process closes them when it looks (audited). */
async function sweepRemediation(db: Db, now: Date): Promise<void> {
  await closeOrphanedIntents(db, now);
  await expireStaleDispatches(db, now);
}

export async function listRemediations(filter: { node?: string; awaitingApproval?: boolean; limit?: number }): Promise<BatchWithRuns[]> {
  const db = await getDb();
  await sweepRemediation(db, clock());
  return listBatches(db, { limit: filter.limit ?? 50, node: filter.node, awaitingApproval: filter.awaitingApproval });
}

export async function getRemediation(batchId: string): Promise<BatchWithRuns> {
  return getBatch(await getDb(), batchId);
}
