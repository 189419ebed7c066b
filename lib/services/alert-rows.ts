import 'server-only';
import { z } from 'zod';
import { triagePath, type AlertRow } from '@/lib/api/alerts';

// The alerts table's row as the API shows it (shared by list-alerts and get-alert-triage).
export const alertColumns = `fingerprint, starts_at, ends_at, status, alertname, labels, annotations, generator_url, receiver,
  node, peer, last_received_at`;

const sqlRowSchema = z.object({
  fingerprint: z.string(),
  starts_at: z.date(),
  ends_at: z.date().nullable(),
  status: z.enum(['firing', 'resolved']),
  alertname: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  generator_url: z.string().nullable(),
  receiver: z.string().nullable(),
  node: z.string().nullable(),
  peer: z.string().nullable(),
  last_received_at: z.date(),
});

export function toAlertRow(raw: unknown): AlertRow {
  const r = sqlRowSchema.parse(raw);
  return {
    fingerprint: r.fingerprint,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at?.toISOString() ?? null,
    status: r.status,
    alertname: r.alertname,
    labels: r.labels,
    annotations: r.annotations,
    generatorUrl: r.generator_url,
    receiver: r.receiver,
    node: r.node,
    peer: r.peer,
    lastReceivedAt: r.last_received_at.toISOString(),
    triagePath: triagePath(r.fingerprint),
  };
}
