'use client';

import Link from 'next/link';
import { HttpError } from '@/components/ui/fetch-json';
import { NodeEvidence } from '@/components/node/NodeEvidence';
import { PeerCell } from '@/components/peers/PeerCell';
import { useAlertTriage } from './use-alerts';

// What an on-call engineer lands on from an alert: the alert, then its node × peer cell pinned to the
// moment the alert started, whether the alert is still firing or long resolved. A link that names an
// episode (`startsAt`) opens that episode whatever fired later.
export function TriageView({ fingerprint, startsAt }: { fingerprint: string; startsAt?: string }) {
  const q = useAlertTriage(fingerprint, startsAt);
  if (q.isPending) return <p className="py-8 text-slate-400" role="status">Loading alert…</p>;
  if (q.isError) {
    const notFound = q.error instanceof HttpError && q.error.status === 404;
    return (
      <p className="py-8 text-slate-300" role="alert">
        {notFound
          ? startsAt
            ? `This episode of alert ${fingerprint} is not stored (never received, or removed when the alert store reached its bound).`
            : `No alert with fingerprint ${fingerprint} was ever received.`
          : `Could not load the alert: ${q.error.message}`}
      </p>
    );
  }
  const { alert, episodes, linkNamesEpisode } = q.data;
  const at = alert.pinnedAt;
  const pin = `at=${encodeURIComponent(at)}`;
  return (
    <div className="space-y-3">
      <section className="rounded border border-slate-700 bg-slate-950 p-3" data-testid="triage-alert">
        <div className="flex flex-wrap items-center gap-3">
          <span className={`rounded px-2 py-0.5 ${alert.status === 'firing' ? 'bg-red-700 text-red-50' : 'bg-slate-700 text-slate-200'}`}>{alert.status}</span>
          <h1 className="font-mono text-base text-slate-100">{alert.alertname ?? 'alert'}</h1>
          <span className="text-slate-400">fingerprint {alert.fingerprint}</span>
        </div>
        <p className="mt-1">
          started <time dateTime={alert.startsAt} className="font-mono">{alert.startsAt}</time>
          {alert.endsAt ? (
            <>
              , resolved <time dateTime={alert.endsAt} className="font-mono">{alert.endsAt}</time>
            </>
          ) : null}
        </p>
        {alert.annotations.summary || alert.annotations.description ? <p className="mt-1 text-slate-300">{alert.annotations.summary ?? alert.annotations.description}</p> : null}
        <p className="mt-1 font-mono text-xs break-all text-slate-500">
          {Object.entries(alert.labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(' ')}
        </p>
        {episodes.length > 1 ? (
          <p className="mt-1 text-xs text-slate-400">
            This alert fired {episodes.length} times; {linkNamesEpisode ? 'showing the episode this link names.' : 'showing the latest episode.'}
          </p>
        ) : null}
        {alert.notes.length > 0 ? (
          <ul className="mt-1 list-disc pl-5 text-xs text-amber-300" data-testid="alert-notes">
            {alert.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </section>
      <div role="status" data-testid="pinned-banner" className="rounded bg-indigo-900/60 px-3 py-1 ring-1 ring-indigo-500/60">
        Pinned to the alert&apos;s start, <time dateTime={at} className="font-mono">{at}</time> (history, not live)
      </div>
      {alert.node ? (
        <>
          <div className="flex gap-4 text-sm">
            {alert.peer ? (
              <Link href={`/peers?node=${encodeURIComponent(alert.node)}&peer=${encodeURIComponent(alert.peer)}&${pin}`} className="text-sky-300 hover:underline">
                open in the peer grid
              </Link>
            ) : null}
            <Link href={`/?node=${encodeURIComponent(alert.node)}&check=verdict&${pin}`} className="text-sky-300 hover:underline">
              open in the fleet grid
            </Link>
            <Link href={`/nodes/${encodeURIComponent(alert.node)}?${pin}`} className="text-sky-300 hover:underline">
              node page at that time
            </Link>
          </div>
          {alert.peer ? <PeerCell node={alert.node} peer={alert.peer} at={at} /> : <NodeEvidence node={alert.node} at={at} />}
        </>
      ) : (
        <p className="text-slate-300">The alert&apos;s labels (node, nodename, hostname, host, instance) name no node of the fleet, so there is no cell to open.</p>
      )}
    </div>
  );
}
