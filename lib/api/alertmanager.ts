import { z } from 'zod';

// Prometheus Alertmanager webhook payload, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
const labelSetSchema = z.record(z.string().max(256), z.string().max(4_096));
const timeSchema = z.string().datetime({ offset: true });

/** Alertmanager's "zero time" for an alert that has not ended. */
export const zeroTime = '0001-01-01T00:00:00Z';

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSetSchema,
  annotations: labelSetSchema.default({}),
  startsAt: timeSchema,
  endsAt: timeSchema.optional(),
  generatorURL: z.string().max(4_096).optional(),
  // Alertmanager prints 16 hex digits; accept a little more so other senders of the format fit.
  fingerprint: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'fingerprint must be 1-64 letters or digits'),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().max(8_192),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(256),
  groupLabels: labelSetSchema.default({}),
  commonLabels: labelSetSchema.default({}),
  commonAnnotations: labelSetSchema.default({}),
  externalURL: z.string().max(4_096).optional(),
  alerts: z.array(alertmanagerAlertSchema).max(1_000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** The end time of an alert, or null while it is still firing (Alertmanager sends zero time or a future time). */
export function alertEndsAt(alert: AlertmanagerAlert): Date | null {
  if (!alert.endsAt || alert.endsAt.startsWith('0001-01-01')) return null;
  return alert.status === 'resolved' ? new Date(alert.endsAt) : null;
}
