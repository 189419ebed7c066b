import 'server-only';
import { getDb } from '../db';
import { AppError } from '../errors';
import { authorize } from './auth-request';
import { decideBatch } from './remediation-decide';
import { getBatch, listBatches, type BatchWithRuns } from './remediation-get';
import { previewRemediation, type Preview } from './remediation-preview';
import { closeOrphanedIntents } from './remediation-recover';
import { requestRemediation } from './remediation-request';
import { getRemediationRuntime } from './remediation-runtime';
import { startBatch } from './remediation-start';

// What the /api/actions route handlers call. Every entry point authorizes on the server first.

const clock = () => new Date();

export async function previewRequest(request: Request, body: unknown): Promise<Preview> {
  const user = await authorize(request, 'remediation.preview');
  return previewRemediation(getRemediationRuntime(), user, body);
}

export interface Submitted {
  result: BatchWithRuns & { replayed: boolean };
  /** the rest of the run after the response: the route handler hands it to next/server after() */
  completion: Promise<void>;
  /** set when the first node was busy with another remediation (the response is a 409) */
  conflict?: AppError;
}

/** Records the request; when it needs no approval, starts it and reports the first node's claim at once. */
export async function submitRequest(request: Request, body: unknown): Promise<Submitted> {
  const user = await authorize(request, 'remediation.request');
  const db = await getDb();
  const rt = getRemediationRuntime();
  await closeOrphanedIntents(db, clock());
  const req = await requestRemediation(db, rt, user, body, clock());
  let completion: Promise<void> = Promise.resolve();
  let conflict: AppError | undefined;
  if (!req.replayed && req.batch.state === 'ready') {
    const started = await startBatch(db, rt, req.batch.id, clock);
    completion = started.completion;
    if (started.first.kind === 'conflict') {
      conflict = new AppError('conflict', `another remediation is running on ${started.first.run.node}`, { batchId: req.batch.id, heldByRunId: started.first.heldByRunId });
    }
  }
  return { result: { ...(await getBatch(db, req.batch.id)), replayed: req.replayed }, completion, conflict };
}

export async function decideRequest(request: Request, batchId: string, body: unknown): Promise<Submitted> {
  const user = await authorize(request, 'remediation.approve');
  const db = await getDb();
  const decided = await decideBatch(db, user, batchId, body, clock());
  if (decided.batch.state !== 'approved') return { result: { ...decided, replayed: false }, completion: Promise.resolve() };
  const started = await startBatch(db, getRemediationRuntime(), batchId, clock);
  const conflict = started.first.kind === 'conflict' ? new AppError('conflict', `approved, but another remediation is running on ${started.first.run.node}`, { batchId }) : undefined;
  return { result: { ...(await getBatch(db, batchId)), replayed: false }, completion: started.completion, conflict };
}

export async function listRequest(request: Request, filter: { node?: string; awaitingApproval?: boolean; limit?: number }): Promise<BatchWithRuns[]> {
  await authorize(request, 'fleet.view');
  const db = await getDb();
  await closeOrphanedIntents(db, clock());
  return listBatches(db, { limit: filter.limit ?? 50, node: filter.node, awaitingApproval: filter.awaitingApproval });
}

export async function getRequest(request: Request, batchId: string): Promise<BatchWithRuns> {
  await authorize(request, 'fleet.view');
  return getBatch(await getDb(), batchId);
}
