import { z } from 'zod';

const isoSchema = z.string().datetime({ offset: true });

export const alertRowSchema = z.object({
  fingerprint: z.string(),
  startsAt: isoSchema,
  endsAt: isoSchema.nullable(),
  status: z.enum(['firing', 'resolved']),
  alertname: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  generatorUrl: z.string().nullable(),
  receiver: z.string().nullable(),
  node: z.string().nullable(),
  peer: z.string().nullable(),
  lastReceivedAt: isoSchema,
  triagePath: z.string(),
});
export type AlertRow = z.infer<typeof alertRowSchema>;

export const alertListSchema = z.object({ alerts: z.array(alertRowSchema) });

export const alertTriageSchema = z.object({
  /** the episode the triage link opens: the latest one of this fingerprint */
  alert: alertRowSchema,
  episodes: z.array(alertRowSchema),
});
export type AlertTriage = z.infer<typeof alertTriageSchema>;

export const webhookAnswerSchema = z.object({
  stored: z.number().int(),
  alerts: z.array(
    z.object({ fingerprint: z.string(), status: z.enum(['firing', 'resolved']), node: z.string().nullable(), peer: z.string().nullable(), triageUrl: z.string() }),
  ),
});
export type WebhookAnswer = z.infer<typeof webhookAnswerSchema>;

export const fingerprintSchema = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

export function triagePath(fingerprint: string): string {
  return `/triage/${encodeURIComponent(fingerprint)}`;
}
