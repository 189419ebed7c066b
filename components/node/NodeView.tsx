'use client';

import Link from 'next/link';
import { checkIds, checkTitles } from '@/lib/fleet/check';
import { formatAge } from '@/lib/node/poll-freshness';
import { Collapsible } from '@/components/ui/Collapsible';
import { HttpError } from '@/components/ui/fetch-json';
import { PinnedBanner } from '@/components/ui/PinnedBanner';
import { TimePin } from '@/components/ui/TimePin';
import { checkStatusClass } from '@/components/ui/colors';
import { useIsPhone } from '@/components/ui/use-phone';
import { useSearchState } from '@/components/ui/use-search-state';
import { EventGroups } from './EventGroups';
import { AddressesTable, InterfacesTable, RoutesTable } from './NodeTables';
import { NodeAnswer } from './NodeAnswer';
import { NodeEvidence } from './NodeEvidence';
import { useNode } from './use-node';

/** lib/node/store/get-node.ts sends at most this many recent events. */
const eventLimit = 200;
/** A routing table longer than this starts folded even on a wide screen. */
const routesShownOpen = 15;

// `/nodes/<name>`: the answer first (what is wrong, since when, why, what to do), then the evidence by
// peer and the grouped events, then the node's raw state as tables. On a phone the details start folded.
export function NodeView({ name }: { name: string }) {
  const { params, update } = useSearchState();
  const at = params.at ?? null;
  const q = useNode(name, at);
  const phone = useIsPhone();
  if (q.isPending)
    return (
      <p className="py-8 text-slate-400" role="status">
        Loading {name}…
      </p>
    );
  if (q.isError) {
    const notFound = q.error instanceof HttpError && q.error.status === 404;
    return (
      <div className="py-8" role="alert">
        <p className={notFound ? 'text-slate-300' : 'text-red-300'}>
          {notFound ? `No node named “${name}” in the inventory.` : `Could not load ${name}: ${q.error.message}`}
        </p>
        <Link href="/" className="text-sky-300 hover:underline">
          Back to the fleet
        </Link>
      </div>
    );
  }
  const d = q.data;
  const s = d.summary;
  const facts = (
    <>
      <span className="text-slate-400">
        {d.user}@{d.host}:{d.port}
      </span>
      {d.reportedHostname !== null ? (
        <span className="text-slate-400">
          reports hostname{' '}
          <span data-testid="reported-hostname" className="font-mono break-all text-slate-300">
            {d.reportedHostname}
          </span>
        </span>
      ) : null}
      {s.site ? <span className="text-slate-400">site {s.site}</span> : null}
      {s.tags.length ? <span className="text-slate-400">tags {s.tags.join(', ')}</span> : null}
      {d.stateSince ? (
        <span className="text-slate-400">
          {at ? 'state recorded since' : 'collected'} {d.stateSince}
        </span>
      ) : null}
      <TimePin at={at} onChange={(t) => update({ at: t })} />
      <Link
        href={`/remediation?node=${encodeURIComponent(s.name)}${s.worstVerdict ? `&verdict=${s.worstVerdict}` : ''}`}
        className="text-sky-300 hover:underline"
      >
        All actions
      </Link>
    </>
  );
  const checks = (
    <div className="flex flex-wrap gap-2 text-xs" data-testid="node-checks">
      {checkIds.map((id) => {
        const c = s.checks[id];
        return c ? (
          <span key={id} className={`rounded px-2 py-0.5 ${checkStatusClass[c.status]}`} title={c.detail ?? ''}>
            {checkTitles[id]}: {c.label}
          </span>
        ) : null;
      })}
    </div>
  );
  return (
    <div>
      <PinnedBanner at={at} onUnpin={() => update({ at: null })} />
      <div className="mb-2 flex flex-wrap items-baseline gap-x-5 gap-y-1">
        <h1 className="font-mono text-xl break-all text-slate-100">{s.name}</h1>
        <span data-testid="node-warnings">
          liveness warnings (15 min): <strong className={s.warnings15m > 0 ? 'text-orange-300' : ''}>{s.warnings15m}</strong>
        </span>
        <span>
          poll <strong data-testid="poll-state">{s.poll.state}</strong>, {s.poll.dataAgeMs === null ? 'no data yet' : `data ${formatAge(s.poll.dataAgeMs)} old`}
          {s.poll.pollMs !== null ? `, ${s.poll.pollMs} ms` : ''}
        </span>
        {phone ? null : facts}
      </div>
      {/* an unknown node's answer already leads with the poll error */}
      {s.poll.error && s.worstVerdict !== 'unknown' ? (
        <p className="mb-2 rounded bg-red-950/60 px-2 py-1 break-words text-red-200 ring-1 ring-red-800" role="alert">
          last poll failed ({s.poll.error.kind}): {s.poll.error.message}
        </p>
      ) : null}
      <NodeAnswer node={name} at={at} />
      {phone ? (
        <Collapsible title="Node, checks and time" defaultOpen={false} testId="node-facts">
          <div className="mb-2 flex flex-wrap items-baseline gap-x-4 gap-y-1">{facts}</div>
          {checks}
        </Collapsible>
      ) : (
        <div className="mb-3">{checks}</div>
      )}
      <div className="grid gap-x-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0">
          <Collapsible title="Evidence by peer and what changed" defaultOpen={!phone} testId="evidence-section">
            <NodeEvidence node={name} at={at} />
          </Collapsible>
        </div>
        <div className="min-w-0">
          <Collapsible title="Liveness events" defaultOpen={!phone} testId="events-section">
            <EventGroups
              events={d.events}
              limit={eventLimit}
              filter={{ peer: params.peer ?? '', level: params.level ?? '' }}
              onFilter={(f) => update({ ...(f.peer !== undefined ? { peer: f.peer } : {}), ...(f.level !== undefined ? { level: f.level } : {}) })}
            />
          </Collapsible>
          {d.parseIssues.length ? (
            <Collapsible title={`Output the parsers could not read (${d.parseIssues.length})`} defaultOpen={!phone} testId="parse-issues">
              <ul className="list-disc pl-5 text-xs text-amber-300">
                {d.parseIssues.map((m, i) => (
                  <li key={i} className="break-words">
                    {m}
                  </li>
                ))}
              </ul>
            </Collapsible>
          ) : null}
        </div>
      </div>
      <Collapsible title="Interfaces, addresses and routes" defaultOpen={!phone} testId="state-section">
        <div className="grid gap-x-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <div className="min-w-0">
            <InterfacesTable rows={d.interfaces} />
            <AddressesTable rows={d.addresses} />
          </div>
          <div className="min-w-0">
            <RoutesTable rows={d.routes} defaultOpen={d.routes.length <= routesShownOpen} />
          </div>
        </div>
      </Collapsible>
    </div>
  );
}
