import Link from 'next/link';
import type { FleetRow } from '@/lib/fleet/fleet';
import { fleetHeadline, newProblemWindowMs, peerPatternMinNodes, type FleetPattern, type HeadlineVerdict } from '@/lib/fleet/fleet-patterns';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';

const countClass = (v: HeadlineVerdict) => (v === 'none' ? 'bg-slate-800 text-slate-300' : verdictClass[v]);
const countLabel = (v: HeadlineVerdict) => (v === 'none' ? 'no liveness peer' : v);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// The fleet page's first lines: nodes per verdict, problems new in the last 15 minutes, and the patterns
// that span nodes, each one line that opens the grid filtered to its nodes.
export function FleetHeadline({ rows, asOf, hrefFor }: { rows: readonly FleetRow[]; asOf: string; hrefFor: (filter: Record<string, string>) => string }) {
  const h = fleetHeadline(rows, asOf);
  const omitted = Object.entries(h.omitted).filter(([, n]) => n > 0);
  return (
    <section
      aria-label="Fleet summary"
      data-testid="fleet-headline"
      className="mb-2 space-y-1 rounded border border-slate-800 bg-slate-950/60 px-2 py-1.5 text-xs"
    >
      <p className="flex flex-wrap items-center gap-1.5" data-testid="verdict-counts">
        <span className="text-slate-400">{plural(h.total, 'node', 'nodes')}:</span>
        {h.counts.map((c) => (
          <Link
            key={c.verdict}
            href={hrefFor({ verdict: c.verdict })}
            data-verdict={c.verdict}
            title={c.verdict === 'none' ? 'fresh data, but no liveness peer to judge (multicast only)' : verdictMeaning[c.verdict]}
            className={`rounded px-2 py-0.5 hover:ring-2 hover:ring-sky-400 ${countClass(c.verdict)}`}
          >
            {c.nodes} {countLabel(c.verdict)}
          </Link>
        ))}
      </p>
      <p data-testid="new-problems">
        {h.newProblems.length ? (
          <Link href={hrefFor({ new: '1', sort: 'since', dir: 'desc' })} className="font-semibold text-orange-300 hover:underline">
            {plural(h.newProblems.length, 'problem', 'problems')} new in the last {newProblemWindowMs / 60_000} min
          </Link>
        ) : (
          <span className="text-slate-400">No new problem in the last {newProblemWindowMs / 60_000} min.</span>
        )}
        {h.newProblems.length ? (
          <span className="text-slate-400">
            {' '}
            ({h.newProblems.slice(0, 5).join(', ')}
            {h.newProblems.length > 5 ? ', …' : ''})
          </span>
        ) : null}
      </p>
      {h.patterns.map((p) => (
        <p key={`${p.kind}-${patternKey(p)}`} data-testid="pattern" data-kind={p.kind}>
          <Link href={hrefFor(p.filter)} className="text-sky-300 hover:underline">
            <PatternText p={p} />
          </Link>
        </p>
      ))}
      {omitted.length ? (
        <p className="text-slate-400">Also {omitted.map(([kind, n]) => plural(n, `more ${kind} pattern`, `more ${kind} patterns`)).join(', ')}.</p>
      ) : null}
      {h.patterns.length === 0 ? (
        <p className="text-slate-500" data-testid="no-pattern">
          No fleet-wide pattern: no peer failing from {peerPatternMinNodes} or more nodes, no site failing as a whole, no daemon version sharing a known issue.
        </p>
      ) : null}
    </section>
  );
}

function patternKey(p: FleetPattern): string {
  return p.kind === 'peer' ? p.peer : p.kind === 'site' ? p.site : `${p.version}-${p.issue.id}`;
}

function PatternText({ p }: { p: FleetPattern }) {
  switch (p.kind) {
    case 'peer':
      return (
        <>
          Peer <span className="font-mono">{p.peer}</span> fails from {p.nodes.length} nodes (no route or blocked): the problem is likely at that peer
        </>
      );
    case 'site':
      return (
        <>
          Every node of site <span className="font-mono">{p.site}</span> is failing ({p.nodes.length}):{' '}
          {p.verdicts.map((v) => `${v.verdict === 'none' ? 'no peer' : v.verdict} ${v.nodes}`).join(', ')}
        </>
      );
    case 'version':
      return (
        <>
          <span className="font-mono">v{p.version}</span>: {p.nodes.length} of {p.nodesOnVersion} nodes show known issue {p.issue.id} ({p.issue.title})
          {p.issue.fixedIn ? `, fixed in ${p.issue.fixedIn}` : ''}
        </>
      );
  }
}
