import { z } from 'zod';
import { roleSchema } from '../auth/roles';

// Every audit record is one `entity.verb` with its own typed payload. The union is closed: a record
// whose type or shape is unknown fails verification rather than being trusted.

const commandResult = z.object({
  command: z.string(),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  /** output was cut at the cap, or the command was killed at its timeout */
  truncated: z.boolean(),
  timedOut: z.boolean(),
  error: z.string().optional(),
});
export type AuditCommandResult = z.infer<typeof commandResult>;

const peerVerdict = z.object({ peer: z.string(), verdict: z.string() });
const evidence = z.object({
  collectedAt: z.string().nullable(),
  verdicts: z.array(peerVerdict),
  note: z.string().optional(),
});
export type AuditEvidence = z.infer<typeof evidence>;

const verification = z.object({ verified: z.boolean(), summary: z.string() });

const runRef = {
  runId: z.string(),
  batchId: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
};

export const auditEntrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user.created'), username: z.string(), role: roleSchema, via: z.enum(['env', 'cli', 'api', 'oidc']) }),
  // `source` (the client address sign-in limits count by) is absent in records written before it was kept.
  z.object({ type: z.literal('user.signed-in'), username: z.string(), method: z.enum(['password', 'oidc']), source: z.string().optional() }),
  /** a wrong password for an account that exists (failures under names that do not exist: the next type) */
  z.object({ type: z.literal('user.sign-in-failed'), username: z.string(), why: z.string(), source: z.string().optional() }),
  /** failed sign-ins under usernames that do not exist, one record per source and window; the names are not kept */
  z.object({
    type: z.literal('user.sign-in-failed-unknown'),
    source: z.string(),
    windowStart: z.string(),
    windowEnd: z.string(),
    failures: z.number().int().positive(),
  }),
  /** a sign-in limit was reached (once per limit and window; the refused attempts are not each recorded) */
  z.object({
    type: z.literal('user.sign-in-throttled'),
    scope: z.enum(['source', 'account-and-source', 'account-from-new-sources']),
    source: z.string(),
    username: z.string().nullable(),
    until: z.string(),
  }),
  z.object({ type: z.literal('user.disabled'), username: z.string(), sessionsEnded: z.number().int().nonnegative() }),
  z.object({ type: z.literal('user.enabled'), username: z.string() }),
  z.object({ type: z.literal('user.role-changed'), username: z.string(), from: roleSchema, to: roleSchema, sessionsEnded: z.number().int().nonnegative() }),
  z.object({ type: z.literal('user.password-reset'), username: z.string(), sessionsEnded: z.number().int().nonnegative() }),
  z.object({ type: z.literal('user.deleted'), username: z.string(), role: roleSchema, sessionsEnded: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('remediation.requested'),
    ...runRef,
    reason: z.string(),
    alertUrl: z.string().nullable(),
    commands: z.array(z.string()),
    needsApproval: z.boolean(),
    targetPeer: z.string().nullable(),
  }),
  z.object({ type: z.literal('remediation.approved'), ...runRef, requestedBy: z.string() }),
  z.object({ type: z.literal('remediation.rejected'), ...runRef, requestedBy: z.string(), why: z.string() }),
  z.object({
    type: z.literal('remediation.intent'),
    ...runRef,
    reason: z.string(),
    alertUrl: z.string().nullable(),
    commands: z.array(z.string()),
    evidenceBefore: evidence,
  }),
  z.object({
    type: z.literal('remediation.outcome'),
    ...runRef,
    results: z.array(commandResult),
    succeeded: z.boolean(),
    evidenceAfter: evidence,
    verification,
  }),
  z.object({ type: z.literal('remediation.outcome-unknown'), ...runRef, why: z.string() }),
  z.object({ type: z.literal('remediation.conflict'), ...runRef, heldByRunId: z.string().nullable() }),
  z.object({ type: z.literal('remediation.skipped'), ...runRef, why: z.string() }),
  /** a request no agent could take (no live agent holds the node's lease): nothing was recorded to run */
  z.object({
    type: z.literal('remediation.refused'),
    action: z.string(),
    params: runRef.params,
    reason: z.string(),
    alertUrl: z.string().nullable(),
    why: z.string(),
  }),
  /** records 1..throughSeq (or from the previous anchor) were exported to a file and removed: npm run audit:archive */
  z.object({
    type: z.literal('audit.archived'),
    fromSeq: z.number().int().positive(),
    throughSeq: z.number().int().positive(),
    throughHash: z.string(),
    archiveSha256: z.string(),
  }),
]);
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditType = AuditEntry['type'];
export const auditTypes = auditEntrySchema.options.map((o) => o.shape.type.value) as AuditType[];

/** Who did it: a signed-in user with their role at the time, or the system itself (crash recovery). */
export const auditActorSchema = z.object({ username: z.string(), role: z.union([roleSchema, z.literal('system')]) });
export type AuditActor = z.infer<typeof auditActorSchema>;

/** One record as hashed: the entry plus when, who and which node. */
export const auditRecordSchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  actor: auditActorSchema,
  node: z.string().nullable(),
  entry: auditEntrySchema,
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
