import 'server-only';
import { getDb, type Queryable } from '@/lib/db';
import { alertEndsAt, type AlertmanagerPayload } from '@/lib/api/alertmanager';
import { mapAlertTarget } from '@/lib/api/alert-target';
import { triagePath, type WebhookAnswer } from '@/lib/api/alerts';

// Stores every alert of one Alertmanager notification and answers with a triage link per alert.
// Re-sent notifications update the same episode (fingerprint + startsAt), so repeats are harmless.
export async function recordAlerts(opts: { payload: AlertmanagerPayload; now: Date; baseUrl: string; db?: Queryable }): Promise<WebhookAnswer> {
  const db = opts.db ?? (await getDb());
  const { rows: inventory } = await db.query<{ name: string; host: string }>('select name, host from nodes');
  const answered: WebhookAnswer['alerts'] = [];
  for (const alert of opts.payload.alerts) {
    const labels = { ...opts.payload.commonLabels, ...alert.labels };
    const target = mapAlertTarget(labels, inventory);
    await db.query(
      `insert into alerts (fingerprint, starts_at, ends_at, status, alertname, labels, annotations, generator_url, receiver,
                           node, peer, first_received_at, last_received_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       on conflict (fingerprint, starts_at) do update set
         ends_at = excluded.ends_at, status = excluded.status, labels = excluded.labels, annotations = excluded.annotations,
         generator_url = excluded.generator_url, receiver = excluded.receiver, node = excluded.node, peer = excluded.peer,
         last_received_at = excluded.last_received_at`,
      [
        alert.fingerprint,
        new Date(alert.startsAt),
        alertEndsAt(alert),
        alert.status,
        labels.alertname ?? null,
        JSON.stringify(labels),
        JSON.stringify({ ...opts.payload.commonAnnotations, ...alert.annotations }),
        alert.generatorURL ?? null,
        opts.payload.receiver,
        target.node,
        target.peer,
        opts.now,
      ],
    );
    answered.push({ fingerprint: alert.fingerprint, status: alert.status, ...target, triageUrl: new URL(triagePath(alert.fingerprint), opts.baseUrl).toString() });
  }
  return { stored: answered.length, alerts: answered };
}
