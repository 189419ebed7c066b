import type { PeerVerdictRow } from '@/lib/node/node';
import { verdictClass, verdictMeaning } from '@/components/ui/colors';
import { RemediationSlot } from '@/components/ui/RemediationSlot';
import { utcText } from '@/components/ui/time';

// One peer's verdict and the proof: the diagnosis' own evidence lines, then the structured parts that
// matter most (missing address, route lookup, firewall rule, last warning). All rendered as text.
export function VerdictEvidence({ node, v, alertUrl }: { node: string; v: PeerVerdictRow; alertUrl?: string | null }) {
  const d = v.details;
  return (
    <div className="rounded border border-slate-800 p-2" data-testid="verdict-evidence" data-peer={v.peer} data-verdict={v.verdict}>
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-2 py-0.5 ${verdictClass[v.verdict]}`} title={verdictMeaning[v.verdict]}>
          {v.verdict}
        </span>
        <span className="font-mono break-all">
          {v.interface} {v.localIP || '(no local IP)'} → {v.peer}
        </span>
        <span className="text-slate-400">
          {v.since ? `since ${utcText(v.since)} UTC, ` : ''}
          {v.warnings} warnings{v.lastWarningAt ? `, last ${v.lastWarningAt}` : ''}
        </span>
      </div>
      <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-200">
        {v.evidence.map((line, i) => (
          <li key={i} className="break-words">
            {line}
          </li>
        ))}
      </ul>
      {d.missingAddress || d.interfaceAddresses ? (
        <p className="mt-1 font-mono break-all text-slate-300">
          {d.missingAddress ? <span className="text-orange-300">missing {d.missingAddress}; </span> : null}
          {d.interfaceAddresses ? `on ${v.interface}: ${d.interfaceAddresses.join(', ') || 'no address'}` : null}
        </p>
      ) : null}
      {d.route ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-slate-400">route lookup: {d.route.ok ? (d.route.route ?? 'found') : 'no route'}</summary>
          <ol className="list-decimal pl-5 font-mono break-all text-slate-400">
            {d.route.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </details>
      ) : null}
      {d.firewall?.known && d.firewall.rule ? (
        <p className="mt-1 font-mono break-all text-purple-300">
          nft {d.firewall.rule.chain}: {d.firewall.rule.text}
        </p>
      ) : null}
      {d.warnings?.lastError ? <p className="mt-1 font-mono break-all text-red-300">{d.warnings.lastError}</p> : null}
      <RemediationSlot node={node} peer={v.peer} verdict={v.verdict} alertUrl={alertUrl ?? null} />
    </div>
  );
}
