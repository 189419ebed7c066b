import 'server-only';
import { z } from 'zod';
import { knownIssueMatchSchema } from '@/lib/known-issues';
import { verdicts, type NodeDiagnosis, type PeerVerdict, type StructuredEvidence } from '@/lib/diagnosis/types';

// The recorded diagnosis as the store returns it (peer_verdicts, peer_verdict_changes, node_summary.diagnosis,
// node_verdict_changes.diagnosis), validated: written by record-diagnosis.ts from a NodeDiagnosis.

export const recordedPeerRowSchema = z.object({
  peer: z.string(),
  interface: z.string(),
  local_ip: z.string(),
  verdict: z.enum(verdicts),
  warnings: z.number().int(),
  last_warning_at: z.date().nullable(),
  evidence: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
  since: z.date().nullable(),
});

export function peerVerdictOf(r: z.infer<typeof recordedPeerRowSchema>): PeerVerdict {
  return {
    peer: r.peer,
    interface: r.interface,
    localIP: r.local_ip,
    verdict: r.verdict,
    warnings: r.warnings,
    lastWarningAt: r.last_warning_at?.toISOString() ?? null,
    evidence: r.evidence,
    // written by recordDiagnosis from a StructuredEvidence; the API re-validates the parts it shows
    details: r.details as unknown as StructuredEvidence,
    since: r.since?.toISOString() ?? null,
  };
}

// node_summary.diagnosis, written by recordDiagnosis from the same NodeDiagnosis (shapes: lib/diagnosis/types.ts)
export const storedNodeLevelSchema = z.object({
  findings: z
    .array(z.looseObject({ kind: z.string(), verdict: z.enum(verdicts), summary: z.string(), evidence: z.array(z.string()) }))
    .transform((f) => f as unknown as NodeDiagnosis['findings']),
  tunnels: z.array(z.looseObject({ interface: z.string(), state: z.string() })).transform((t) => t as unknown as NodeDiagnosis['tunnels']),
  daemon: z.looseObject({ version: z.string().nullable() }).transform((d) => d as unknown as NodeDiagnosis['daemon']),
  knownIssues: z.array(knownIssueMatchSchema).default([]),
});
