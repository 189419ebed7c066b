import 'server-only';
import { z } from 'zod';
import { triagePath, type AlertRow } from '@/lib/alerts/alerts';

// The alerts table's row as the API shows it (shared by list-alerts and get-alert-triage).

/**
 * When an episode is listed and pinned: its start, but never after it first arrived, so an alert dated in the
 * future cannot sit above every later one and a view is never pinned to a moment that has not happened.
 */
export const pinnedAtSql = 'least(starts_at, first_received_at)';

export const alertColumns = `fingerprint, starts_at, ends_at, status, alertname, labels, annotations, generator_url, receiver,
  node, peer, first_received_at, last_received_at, ${pinnedAtSql} as pinned_at, notes`;

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
  first_received_at: z.date(),
  last_received_at: z.date(),
  pinned_at: z.date(),
  notes: z.array(z.string()).catch([]),
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
    firstReceivedAt: r.first_received_at.toISOString(),
    lastReceivedAt: r.last_received_at.toISOString(),
    pinnedAt: r.pinned_at.toISOString(),
    notes: r.notes,
    triagePath: triagePath(r.fingerprint, r.starts_at),
  };
}
