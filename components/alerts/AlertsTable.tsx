'use client';

import Link from 'next/link';
import { useAlerts } from './use-alerts';

// `/alerts`: what Alertmanager sent, newest first, each with its triage link.
export function AlertsTable() {
  const q = useAlerts();
  if (q.isPending)
    return (
      <p className="py-8 text-slate-400" role="status">
        Loading alerts…
      </p>
    );
  if (q.isError)
    return (
      <p className="py-8 text-red-300" role="alert">
        Could not load alerts: {q.error.message}
      </p>
    );
  if (q.data.alerts.length === 0) {
    return (
      <div className="py-6 text-slate-400" role="status">
        <p>
          No alerts received yet. Set FNH_ALERTMANAGER_TOKEN on the dashboard and point an Alertmanager receiver at it (deploy/alertmanager/ has a full
          example):
        </p>
        <pre className="mt-2 overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-300">{`receivers:
  - name: fleet-network-health
    webhook_configs:
      - url: https://<dashboard>/api/alerts/alertmanager
        http_config:
          authorization: { credentials_file: /etc/alertmanager/secrets/fnh-webhook-token }`}</pre>
      </div>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-xs" aria-label="Alerts">
        <thead>
          <tr className="text-left text-slate-400">
            {['status', '', 'alert', 'node', 'peer', 'started (UTC)', 'ended (UTC)', 'summary'].map((h) => (
              <th key={h} className="px-2 py-1 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {q.data.alerts.map((a) => (
            <tr key={`${a.fingerprint}-${a.startsAt}`} className="border-t border-slate-800" data-fingerprint={a.fingerprint}>
              <td className="px-2 py-1">
                <span className={`rounded px-2 py-0.5 ${a.status === 'firing' ? 'bg-red-700 text-red-50' : 'bg-slate-700 text-slate-200'}`}>{a.status}</span>
              </td>
              {/* the link is what an on-call engineer wants: second, so a phone shows it without scrolling sideways */}
              <td className="px-2 py-1">
                <Link href={a.triagePath} className="inline-block py-1 text-sky-300 hover:underline">
                  triage
                </Link>
              </td>
              <td className="px-2 py-1 font-mono whitespace-nowrap">{a.alertname ?? '—'}</td>
              <td className="px-2 py-1 font-mono whitespace-nowrap">{a.node ?? <span className="text-slate-500">unmapped</span>}</td>
              <td className="px-2 py-1 font-mono whitespace-nowrap">{a.peer ?? '—'}</td>
              <td className="px-2 py-1 font-mono whitespace-nowrap">{a.startsAt.replace('T', ' ').replace('Z', '')}</td>
              <td className="px-2 py-1 font-mono whitespace-nowrap">{a.endsAt ? a.endsAt.replace('T', ' ').replace('Z', '') : '—'}</td>
              <td className="min-w-64 px-2 py-1">{a.annotations.summary ?? a.annotations.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
