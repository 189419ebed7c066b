'use client';

import type { NodeDetail, PeerVerdictRow } from '@/lib/node/node';
import { verdictRank } from '@/lib/diagnosis/types';
import type { Verdict } from '@/lib/diagnosis/verdict-schema';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';
import { ChangesList } from './ChangesList';
import { NodeFindings } from './NodeFindings';
import { VerdictEvidence } from './VerdictEvidence';
import { NodeDetailEvidence } from './NodeDetailEvidence';

/** Up to this many failing peers in all, their evidence starts unfolded; more (the seed node has 45) start folded. */
const openWhenAtMost = 3;

// The node's root-cause view: node-level findings, then every liveness peer that is not healthy with its
// evidence, grouped by verdict (worst first), then what changed.
export function NodeEvidence({ node, at }: { node: string; at: string | null }) {
  return (
    <NodeDetailEvidence node={node} at={at}>
      {(d) => <NodeEvidenceBody node={node} d={d} />}
    </NodeDetailEvidence>
  );
}

function NodeEvidenceBody({ node, d }: { node: string; d: NodeDetail }) {
  const bad = d.peers.filter((p) => p.verdict !== 'healthy');
  const healthy = d.peers.length - bad.length;
  const groups = groupByVerdict(bad);
  return (
    <section className="mb-4 text-xs" data-testid="evidence">
      <NodeFindings node={node} findings={d.findings} knownIssues={d.knownIssues} />
      <h3 className="mb-1 text-sm font-semibold text-slate-200">Verdicts by liveness peer</h3>
      {d.missing ? <p className="text-slate-400">{d.missing}</p> : null}
      {d.nodeUnknown ? <p className="mb-1 rounded bg-slate-800 px-2 py-1 text-slate-300">Node unknown: {d.nodeUnknown}</p> : null}
      {!d.missing && d.peers.length === 0 ? <p className="text-slate-500">No liveness peer known for this node.</p> : null}
      <div className="space-y-2">
        {groups.map(([verdict, peers]) => (
          <details
            key={verdict}
            open={bad.length <= openWhenAtMost}
            className="rounded border border-slate-800"
            data-testid="verdict-group"
            data-verdict={verdict}
          >
            <summary className="cursor-pointer px-2 py-1 hover:bg-slate-900">
              <span className={`rounded px-2 py-0.5 ${verdictClass[verdict]}`} title={verdictMeaning[verdict]}>
                {verdict}
              </span>{' '}
              <span className="text-slate-200">
                {peers.length} {peers.length === 1 ? 'peer' : 'peers'}
              </span>
              <span className="text-slate-400">
                {' '}
                ·{' '}
                {peers
                  .slice(0, 4)
                  .map((p) => p.peer)
                  .join(', ')}
                {peers.length > 4 ? ', …' : ''}
              </span>
            </summary>
            <div className="space-y-2 p-2">
              {peers.map((v) => (
                <VerdictEvidence key={v.peer} node={node} v={v} />
              ))}
            </div>
          </details>
        ))}
      </div>
      {healthy > 0 ? <p className="mt-1 text-green-300">{healthy} peers healthy.</p> : null}
      <div className="mt-3">
        <ChangesList changes={d.changes} />
      </div>
    </section>
  );
}

function groupByVerdict(peers: readonly PeerVerdictRow[]): [Verdict, PeerVerdictRow[]][] {
  const groups = new Map<Verdict, PeerVerdictRow[]>();
  for (const p of peers) groups.set(p.verdict, [...(groups.get(p.verdict) ?? []), p]);
  return [...groups].sort(([a], [b]) => verdictRank(a) - verdictRank(b));
}
