import 'server-only';
import { z } from 'zod';
import type { Queryable } from '@/lib/db';
import { verdicts, type NodeDiagnosis, type PeerVerdict } from '@/lib/diagnosis/types';
import { peerVerdictOf, recordedPeerRowSchema, storedNodeLevelSchema } from './recorded-diagnosis-rows';

// The verdicts in effect at a past moment as the ingest recorded them when they changed
// (peer_verdict_changes, node_verdict_changes): what pinned views show once the log of that time is past
// its retention. Evidence and warning counts are those of the poll that recorded the change.

export type RecordedDiagnosisAt = Pick<NodeDiagnosis, 'nodeUnknown' | 'peers' | 'worst' | 'findings' | 'tunnels' | 'daemon' | 'knownIssues'>;

const nodeRowSchema = z.object({ node: z.string(), worst_verdict: z.enum(verdicts).nullable(), node_unknown: z.string().nullable(), diagnosis: z.unknown() });

export async function loadRecordedVerdictsAt(db: Queryable, at: Date, only?: string): Promise<Map<string, RecordedDiagnosisAt>> {
  const [nodes, peers] = await Promise.all([
    db.query(
      `select distinct on (node) node, worst_verdict, node_unknown, diagnosis from node_verdict_changes
        where at <= $1 and ($2::text is null or node = $2) order by node, at desc, id desc`,
      [at, only ?? null],
    ),
    db.query(
      `select * from (
         select distinct on (node, peer) node, peer, interface, local_ip, verdict, warnings, last_warning_at, evidence, details, since
           from peer_verdict_changes where at <= $1 and ($2::text is null or node = $2) order by node, peer, at desc, id desc) latest
        where verdict is not null order by node, peer`,
      [at, only ?? null],
    ),
  ]);
  const peersOf = new Map<string, PeerVerdict[]>();
  for (const raw of peers.rows) {
    const r = recordedPeerRowSchema.extend({ node: z.string() }).parse(raw);
    peersOf.set(r.node, [...(peersOf.get(r.node) ?? []), peerVerdictOf(r)]);
  }
  const out = new Map<string, RecordedDiagnosisAt>();
  for (const raw of nodes.rows) {
    const r = nodeRowSchema.parse(raw);
    const level = storedNodeLevelSchema.safeParse(r.diagnosis);
    out.set(r.node, {
      nodeUnknown: r.node_unknown,
      peers: peersOf.get(r.node) ?? [],
      worst: r.worst_verdict,
      findings: level.success ? level.data.findings : [],
      tunnels: level.success ? level.data.tunnels : [],
      daemon: level.success
        ? level.data.daemon
        : { version: null, pid: null, startedAt: null, startedAtSource: null, unitState: null, lastSendWarningAt: null },
      knownIssues: level.success ? level.data.knownIssues : [],
    });
  }
  return out;
}
