import { z } from 'zod';

// Prometheus Alertmanager webhook payload, version 4, as Alertmanager builds it: `Message` in
// notify/webhook/webhook.go (version, groupKey, truncatedAlerts) around `Data` and `Alert` of
// template/template.go (maps always present, endsAt always set, fingerprint `%016x`). No size limits here:
// Alertmanager retries only 5xx and drops a notification answered with 4xx (notify/util.go Retrier.Check),
// so whatever it can send is accepted and bounded afterwards (alert-bounds.ts). Sources: docs/alerting.md.
const kvSchema = z.record(z.string(), z.string());
const timeSchema = z.string().datetime({ offset: true });

/** Alertmanager's "zero time" for an alert that has not ended. */
export const zeroTime = '0001-01-01T00:00:00Z';

/** Alertmanager prints 16 hex digits; a little more is accepted so other senders of the format fit. */
export const fingerprintPattern = /^[A-Za-z0-9]{1,64}$/;

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: kvSchema,
  annotations: kvSchema.default({}),
  startsAt: timeSchema,
  endsAt: timeSchema.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(fingerprintPattern, 'fingerprint must be 1-64 letters or digits'),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: kvSchema.default({}),
  commonLabels: kvSchema.default({}),
  commonAnnotations: kvSchema.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** The end time of an alert, or null while it is still firing (Alertmanager sends zero time or a future time). */
export function alertEndsAt(alert: Pick<AlertmanagerAlert, 'status' | 'endsAt'>): Date | null {
  if (!alert.endsAt || alert.endsAt.startsWith('0001-01-01')) return null;
  return alert.status === 'resolved' ? new Date(alert.endsAt) : null;
}
