import Link from 'next/link';
import type { NodeFindingRow } from '@/lib/node/node';
import type { KnownIssueMatch } from '@/lib/known-issues';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';

// Findings about the whole node (a stale local IP, a tunnel down, the daemon stopped), each with the
// known upstream bug that explains it when the node's client version matches: the durable fix (upgrade)
// beside the immediate one (a catalog action). All node text is rendered as text.
export function NodeFindings({ node, findings, knownIssues }: { node: string; findings: NodeFindingRow[]; knownIssues: KnownIssueMatch[] }) {
  if (findings.length === 0 && knownIssues.length === 0) return null;
  const shownKinds = new Set(findings.map((f) => f.kind));
  const unattached = knownIssues.filter((k) => !k.explains.some((kind) => shownKinds.has(kind)));
  return (
    <section className="mb-3 space-y-2" aria-label="Node findings" data-testid="node-findings">
      <h3 className="text-sm font-semibold text-slate-200">Node findings</h3>
      {findings.map((f, i) => (
        <div
          key={`${f.kind}-${f.interface ?? ''}-${i}`}
          className="rounded border border-slate-800 p-2"
          data-testid="node-finding"
          data-kind={f.kind}
          data-verdict={f.verdict}
        >
          <div className="flex flex-wrap items-center gap-2">
            <span className={`rounded px-2 py-0.5 ${verdictClass[f.verdict]}`} title={verdictMeaning[f.verdict]}>
              {f.verdict}
            </span>
            <span className="text-slate-100">{f.summary}</span>
          </div>
          {f.evidence.length ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-300">
              {f.evidence.map((line, j) => (
                <li key={j} className="break-words">
                  {line}
                </li>
              ))}
            </ul>
          ) : null}
          {knownIssues
            .filter((k) => k.explains.includes(f.kind))
            .map((k) => (
              <KnownIssueNote key={k.id} node={node} issue={k} verdict={f.verdict} />
            ))}
        </div>
      ))}
      {unattached.map((k) => (
        <KnownIssueNote key={k.id} node={node} issue={k} verdict={null} />
      ))}
    </section>
  );
}

/** "Known issue: … affects v0.6.11 – v0.8.0, fixed in v0.8.1 — durable fix: upgrade …; now: Restart doublezerod". */
export function KnownIssueNote({ node, issue, verdict }: { node: string; issue: KnownIssueMatch; verdict: string | null }) {
  const remediate = `/remediation?node=${encodeURIComponent(node)}${verdict ? `&verdict=${encodeURIComponent(verdict)}` : ''}`;
  return (
    <div
      className="mt-2 rounded bg-amber-950/40 px-2 py-1 text-amber-100 ring-1 ring-amber-800/70"
      data-testid="known-issue"
      data-issue={issue.id}
      data-match={issue.match}
    >
      <p>
        <strong>{issue.match === 'affected' ? 'Known issue' : 'Possibly a known issue'}:</strong> {issue.title} — affects {issue.affects}
        {issue.condition ? ` (${issue.condition})` : ''}, fixed in {issue.fixedIn}.{' '}
        <span className="text-amber-200/80">
          {issue.match === 'affected' ? `This node reports version ${issue.nodeVersion}.` : 'The daemon version was not collected, so this is not confirmed.'}
        </span>
      </p>
      <p className="mt-0.5">
        Durable fix: {issue.durableFix}; now:{' '}
        <Link href={remediate} className="text-sky-300 hover:underline" title={issue.immediate.why}>
          {issue.immediate.title}
        </Link>
        .{' '}
        <a href={issue.upstream.issue} className="text-sky-300 hover:underline" rel="noreferrer noopener" target="_blank">
          upstream issue
        </a>
        ,{' '}
        <a href={issue.upstream.fix} className="text-sky-300 hover:underline" rel="noreferrer noopener" target="_blank">
          fix
        </a>
      </p>
    </div>
  );
}
