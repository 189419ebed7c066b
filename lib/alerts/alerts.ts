import { z } from 'zod';
import { fingerprintPattern } from './alertmanager';

const isoSchema = z.string().datetime({ offset: true });

export const alertRowSchema = z.object({
  fingerprint: z.string(),
  /** as the sender said: with the fingerprint, the episode's identity */
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
  firstReceivedAt: isoSchema,
  lastReceivedAt: isoSchema,
  /** the moment views are pinned to and the list is sorted by: startsAt, but never after the alert first arrived */
  pinnedAt: isoSchema,
  /** what was cut or doubted when it was stored */
  notes: z.array(z.string()),
  /** the link to this episode */
  triagePath: z.string(),
});
export type AlertRow = z.infer<typeof alertRowSchema>;

export const alertListSchema = z.object({ alerts: z.array(alertRowSchema) });

export const alertTriageSchema = z.object({
  /** the episode the link names, or the latest one of the fingerprint for a link that names none */
  alert: alertRowSchema,
  linkNamesEpisode: z.boolean(),
  /** every stored episode of the fingerprint, newest first */
  episodes: z.array(alertRowSchema),
});
export type AlertTriage = z.infer<typeof alertTriageSchema>;

export const webhookAnswerSchema = z.object({
  stored: z.number().int(),
  /** new episodes over the per-notification bound */
  notStored: z.number().int(),
  notes: z.array(z.string()),
  alerts: z.array(
    z.object({
      fingerprint: z.string(),
      startsAt: isoSchema,
      status: z.enum(['firing', 'resolved']),
      node: z.string().nullable(),
      peer: z.string().nullable(),
      triagePath: z.string(),
      /** FNH_PUBLIC_ORIGIN + triagePath; null while no public origin is configured */
      triageUrl: z.string().nullable(),
      notes: z.array(z.string()),
    }),
  ),
});
export type WebhookAnswer = z.infer<typeof webhookAnswerSchema>;

export const fingerprintSchema = z.string().regex(fingerprintPattern);

/** A path segment decoded once, or as it is when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** An episode's start in a link: milliseconds since the epoch (what `{{ .StartsAt.UnixMilli }}` prints) or ISO 8601. */
export const episodeStartSchema = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform((s) => new Date(Number(s))),
  isoSchema.transform((s) => new Date(s)),
]);

/**
 * The link to one episode of an alert: `/triage/<fingerprint>/<startsAt in ms>`. A link names one episode so
 * that no later episode of the same fingerprint can change what it opens; `/triage/<fingerprint>` alone
 * opens the latest episode.
 */
export function triagePath(fingerprint: string, startsAt?: Date): string {
  const base = `/triage/${encodeURIComponent(fingerprint)}`;
  return startsAt ? `${base}/${startsAt.getTime()}` : base;
}
