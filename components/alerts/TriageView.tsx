'use client';

import Link from 'next/link';
import { HttpError } from '@/components/ui/fetch-json';
import { Collapsible } from '@/components/ui/Collapsible';
import { utcText } from '@/components/ui/time';
import { useIsPhone } from '@/components/ui/use-phone';
import { NodeAnswer } from '@/components/node/NodeAnswer';
import { NodeEvidence } from '@/components/node/NodeEvidence';
import { PeerCell } from '@/components/peers/PeerCell';
import { useAlertTriage } from './use-alerts';

// What an on-call engineer lands on from an alert: one line about the alert, then the answer for its
// node × peer cell pinned to the moment the alert started (verdict, since when, evidence, fitting action),
// whether the alert is still firing or long resolved. The alert's labels and episodes follow, folded on a
// phone. A link that names an episode (`startsAt`) opens that episode whatever fired later.
export function TriageView({ fingerprint, startsAt }: { fingerprint: string; startsAt?: string }) {
  const q = useAlertTriage(fingerprint, startsAt);
  const phone = useIsPhone();
  if (q.isPending)
    return (
      <p className="py-8 text-slate-400" role="status">
        Loading alert…
      </p>
    );
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
  const summary = alert.annotations.summary ?? alert.annotations.description;
  return (
    <div className="space-y-2">
      <section className="rounded border border-slate-700 bg-slate-950 px-3 py-2" data-testid="triage-alert">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <span className={`rounded px-2 py-0.5 ${alert.status === 'firing' ? 'bg-red-700 text-red-50' : 'bg-slate-700 text-slate-200'}`}>{alert.status}</span>
          <h1 className="min-w-0 font-mono text-base break-all text-slate-100">{alert.alertname ?? 'alert'}</h1>
          <span className="text-xs text-slate-300">
            started{' '}
            <time dateTime={alert.startsAt} className="font-mono">
              {utcText(alert.startsAt)}
            </time>
            {alert.endsAt ? (
              <>
                , resolved{' '}
                <time dateTime={alert.endsAt} className="font-mono">
                  {utcText(alert.endsAt)}
                </time>
              </>
            ) : null}{' '}
            UTC
          </span>
        </div>
        {summary ? <p className="mt-1 break-words text-slate-300 max-sm:line-clamp-2">{summary}</p> : null}
        <details open={!phone} className="mt-1 text-xs">
          <summary className="cursor-pointer text-slate-400">Alert labels and episodes</summary>
          <p className="mt-1 text-slate-400">fingerprint {alert.fingerprint}</p>
          <p className="mt-1 font-mono break-all text-slate-500">
            {Object.entries(alert.labels)
              .map(([k, v]) => `${k}="${v}"`)
              .join(' ')}
          </p>
          {episodes.length > 1 ? (
            <p className="mt-1 text-slate-400">
              This alert fired {episodes.length} times; {linkNamesEpisode ? 'showing the episode this link names.' : 'showing the latest episode.'}
            </p>
          ) : null}
          {alert.notes.length > 0 ? (
            <ul className="mt-1 list-disc pl-5 text-amber-300" data-testid="alert-notes">
              {alert.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </details>
      </section>
      <div role="status" data-testid="pinned-banner" className="rounded bg-indigo-900/60 px-3 py-1 text-xs ring-1 ring-indigo-500/60">
        Pinned to the alert&apos;s start,{' '}
        <time dateTime={at} className="font-mono">
          {at}
        </time>{' '}
        (history, not live)
      </div>
      {alert.node ? (
        <>
          {alert.peer ? (
            <PeerCell node={alert.node} peer={alert.peer} at={at} />
          ) : (
            <>
              <NodeAnswer node={alert.node} at={at} />
              <Collapsible title="Evidence by peer and what changed" defaultOpen={!phone}>
                <NodeEvidence node={alert.node} at={at} />
              </Collapsible>
            </>
          )}
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {alert.peer ? (
              <Link
                href={`/peers?node=${encodeURIComponent(alert.node)}&peer=${encodeURIComponent(alert.peer)}&${pin}`}
                className="text-sky-300 hover:underline"
              >
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
        </>
      ) : (
        <p className="text-slate-300">
          The alert&apos;s labels (node, nodename, hostname, host, instance) name no node of the fleet, so there is no cell to open.
        </p>
      )}
    </div>
  );
}
