import { z } from 'zod';

// Response shapes of /api/actions and /api/auth/me, validated in the browser (components/remediation).

export const meSchema = z.object({ user: z.object({ username: z.string(), role: z.enum(['viewer', 'operator', 'approver', 'admin']) }) });

export const catalogSchema = z.object({
  actions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      params: z
        .object({ properties: z.record(z.string(), z.object({ pattern: z.string().optional(), maxLength: z.number().optional() }).passthrough()).optional() })
        .passthrough(),
      commands: z.array(z.string()),
      fitsVerdicts: z.array(z.string()),
      requiredRole: z.string(),
      needsApproval: z.boolean(),
      timeoutMs: z.number(),
    }),
  ),
});
export type CatalogEntry = z.infer<typeof catalogSchema>['actions'][number];

const evidenceSchema = z.object({
  collectedAt: z.string().nullable(),
  verdicts: z.array(z.object({ peer: z.string(), verdict: z.string() })),
  note: z.string().optional(),
});

export const previewSchema = z.object({
  action: z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    needsApproval: z.boolean(),
    requiredRole: z.string(),
    timeoutMs: z.number(),
    check: z.string(),
  }),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  allowed: z.boolean(),
  nodes: z.array(
    z.object({
      node: z.string(),
      commands: z.array(z.string()),
      /** what was read from the node that chose these commands (e.g. its connection mode) */
      chosenBecause: z.string().optional(),
      /** why the action cannot run there (then `commands` is empty and the request would be refused) */
      refusal: z.string().optional(),
      evidence: evidenceSchema.nullable(),
      evidenceError: z.string().optional(),
    }),
  ),
});
export type PreviewResponse = z.infer<typeof previewSchema>;

export const runSchema = z.object({
  id: z.string(),
  position: z.number(),
  node: z.string(),
  commands: z.array(z.object({ argv: z.array(z.string()), line: z.string() })),
  state: z.enum(['pending', 'running', 'verified', 'not-verified', 'failed', 'conflict', 'skipped', 'outcome-unknown', 'rejected']),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  results: z
    .array(
      z.object({
        command: z.string(),
        exitCode: z.number().nullable(),
        stdout: z.string(),
        stderr: z.string(),
        truncated: z.boolean(),
        timedOut: z.boolean(),
        error: z.string().optional(),
      }),
    )
    .nullable(),
  evidence_before: evidenceSchema.nullable(),
  evidence_after: evidenceSchema.nullable(),
  summary: z.string().nullable(),
});
export type RunView = z.infer<typeof runSchema>;

export const batchSchema = z.object({
  batch: z.object({
    id: z.string(),
    requested_by: z.string(),
    requested_role: z.string(),
    action: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    reason: z.string(),
    alert_url: z.string().nullable(),
    target_peer: z.string().nullable(),
    needs_approval: z.boolean(),
    state: z.enum(['awaiting-approval', 'approved', 'rejected', 'ready', 'running', 'done']),
    decided_by: z.string().nullable(),
    created_at: z.string(),
  }),
  runs: z.array(runSchema),
});
export type BatchView = z.infer<typeof batchSchema>;
export const batchListSchema = z.object({ batches: z.array(batchSchema) });

export const finishedRunStates: ReadonlySet<RunView['state']> = new Set([
  'verified',
  'not-verified',
  'failed',
  'conflict',
  'skipped',
  'outcome-unknown',
  'rejected',
]);

export function batchFinished(b: BatchView): boolean {
  return b.batch.state === 'rejected' || (b.batch.state === 'done' && b.runs.every((r) => finishedRunStates.has(r.state)));
}
