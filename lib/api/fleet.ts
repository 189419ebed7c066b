import { z } from 'zod';
import { checkCellSchema, checkIdSchema } from './check';
import { pollStateSchema } from './poll-freshness';
import { verdictSchema } from './verdict';

export const fleetSourceSchema = z.enum(['simulated', 'inventory']);
export type FleetSource = z.infer<typeof fleetSourceSchema>;

const isoSchema = z.string().datetime({ offset: true });

export const pollErrorSchema = z.object({ kind: z.string(), message: z.string() });

export const linkStateSchema = z.enum(['up', 'down', 'missing', 'unknown']);
export type LinkState = z.infer<typeof linkStateSchema>;

export const fleetRowSchema = z.object({
  name: z.string(),
  site: z.string().nullable(),
  tags: z.array(z.string()),
  poll: z.object({
    state: pollStateSchema,
    lastPollAt: isoSchema.nullable(),
    lastSuccessAt: isoSchema.nullable(),
    dataAgeMs: z.number().nullable(),
    pollMs: z.number().nullable(),
    error: pollErrorSchema.nullable(),
  }),
  collectedAt: isoSchema.nullable(),
  /** doublezero0 as last collected; `unknown` when there is no bundle */
  link: linkStateSchema,
  /** liveness WARN lines in the 15 minutes before the view's moment */
  warnings15m: z.number().int().nonnegative(),
  worstVerdict: verdictSchema.nullable(),
  /** when the node's current worst verdict began (change-only: kept while it stays); null when unknown */
  worstSince: isoSchema.nullable(),
  checks: z.record(checkIdSchema, checkCellSchema),
});
export type FleetRow = z.infer<typeof fleetRowSchema>;

export const fleetResponseSchema = z.object({
  source: fleetSourceSchema,
  /** the moment the view shows: now, or the pinned `at` */
  asOf: isoSchema,
  pinned: z.boolean(),
  staleAfterMs: z.number(),
  nodes: z.array(fleetRowSchema),
});
export type FleetResponse = z.infer<typeof fleetResponseSchema>;

/** `?at=` everywhere: an ISO time; absent means live. */
export const atParamSchema = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s));

export const fleetQuerySchema = z.object({ at: atParamSchema.optional() });
