'use client';

import Link from 'next/link';
import { checkIds, checkTitles } from '@/lib/api/check';
import { formatAge } from '@/lib/api/poll-freshness';
import { HttpError } from '@/components/ui/fetch-json';
import { PinnedBanner } from '@/components/ui/PinnedBanner';
import { TimePin } from '@/components/ui/TimePin';
import { checkStatusClass } from '@/components/ui/colors';
import { useSearchState } from '@/components/ui/use-search-state';
import { AddressesTable, EventsTable, InterfacesTable, RoutesTable } from './NodeTables';
import { NodeEvidence } from './NodeEvidence';
import { useNode } from './use-node';

// `/nodes/<name>`: one node's poll status, checks, verdicts and its raw state as readable tables.
export function NodeView({ name }: { name: string }) {
  const { params, update } = useSearchState();
  const at = params.at ?? null;
  const q = useNode(name, at);
  if (q.isPending) return <p className="py-8 text-slate-400" role="status">Loading {name}…</p>;
  if (q.isError) {
    const notFound = q.error instanceof HttpError && q.error.status === 404;
    return (
      <div className="py-8" role="alert">
        <p className={notFound ? 'text-slate-300' : 'text-red-300'}>{notFound ? `No node named “${name}” in the inventory.` : `Could not load ${name}: ${q.error.message}`}</p>
        <Link href="/" className="text-sky-300 hover:underline">
          Back to the fleet
        </Link>
      </div>
    );
  }
  const d = q.data;
  const s = d.summary;
  return (
    <div>
      <PinnedBanner at={at} onUnpin={() => update({ at: null })} />
      <div className="mb-3 flex flex-wrap items-baseline gap-x-6 gap-y-1">
        <h1 className="font-mono text-xl text-slate-100">{s.name}</h1>
        <span className="text-slate-400">
          {d.user}@{d.host}:{d.port}
        </span>
        {d.reportedHostname !== null ? (
          <span className="text-slate-400">
            reports hostname <span data-testid="reported-hostname" className="font-mono text-slate-300">{d.reportedHostname}</span>
          </span>
        ) : null}
        {s.site ? <span className="text-slate-400">site {s.site}</span> : null}
        <Link href={`/remediation?node=${encodeURIComponent(s.name)}${s.worstVerdict ? `&verdict=${s.worstVerdict}` : ''}`} className="text-sky-300 hover:underline">
          Remediate
        </Link>
        {s.tags.length ? <span className="text-slate-400">tags {s.tags.join(', ')}</span> : null}
        <span>
          poll <strong data-testid="poll-state">{s.poll.state}</strong>, data {formatAge(s.poll.dataAgeMs)} old
          {s.poll.pollMs !== null ? `, ${s.poll.pollMs} ms` : ''}
        </span>
        <TimePin at={at} onChange={(t) => update({ at: t })} />
        {d.stateSince ? <span className="text-slate-400">{at ? "state recorded since" : "collected"} {d.stateSince}</span> : null}
        <span data-testid="node-warnings">
          liveness warnings (15 min): <strong className={s.warnings15m > 0 ? 'text-orange-300' : ''}>{s.warnings15m}</strong>
        </span>
      </div>
      {s.poll.error ? (
        <p className="mb-3 rounded bg-red-950/60 px-2 py-1 text-red-200 ring-1 ring-red-800" role="alert">
          last poll failed ({s.poll.error.kind}): {s.poll.error.message}
        </p>
      ) : null}
      <div className="mb-4 flex flex-wrap gap-2 text-xs">
        {checkIds.map((id) => {
          const c = s.checks[id];
          return c ? (
            <span key={id} className={`rounded px-2 py-0.5 ${checkStatusClass[c.status]}`} title={c.detail ?? ''}>
              {checkTitles[id]}: {c.label}
            </span>
          ) : null;
        })}
      </div>
      <div className="grid gap-x-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0">
          <InterfacesTable rows={d.interfaces} />
          <AddressesTable rows={d.addresses} />
          <RoutesTable rows={d.routes} />
        </div>
        <div className="min-w-0">
          <NodeEvidence node={name} at={at} />
          <EventsTable rows={d.events} />
          {d.parseIssues.length ? (
            <section className="mb-4 text-xs text-amber-300">
              <h3 className="font-semibold">Output the parsers could not read</h3>
              <ul className="list-disc pl-5">
                {d.parseIssues.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
