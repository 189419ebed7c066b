import { z } from 'zod';
import { checkCellSchema, checkIdSchema } from './check';
import { pollStateSchema } from '../node/poll-freshness';
import { verdictSchema } from '../diagnosis/verdict-schema';

export const fleetSourceSchema = z.enum(['simulated', 'inventory']);
export type FleetSource = z.infer<typeof fleetSourceSchema>;

const isoSchema = z.string().datetime({ offset: true });

export const pollErrorSchema = z.object({ kind: z.string(), message: z.string() });

export const linkStateSchema = z.enum(['up', 'down', 'missing', 'unknown']);
export type LinkState = z.infer<typeof linkStateSchema>;

/**
 * Verdicts whose cause is about one peer: its /32 is not routed (BGP withdrew it, as it does fleet-wide when
 * the peer is gone) or an output rule names it. interface-missing/-down and stale-session are causes on the
 * node itself and fail all of that interface's or local IP's peers alike, so they say nothing about a peer.
 */
export const peerFaultVerdicts = ['no-route', 'firewall-blocked'] as const satisfies readonly z.infer<typeof verdictSchema>[];

/**
 * What the fleet header's cross-node patterns read from a row (lib/fleet/fleet-patterns.ts): the daemon
 * version, the known upstream issues the node shows, and the peers it fails to reach for a reason that
 * points at the peer rather than at the node (see `peerFaultVerdicts`).
 */
export const fleetRowSignalsSchema = z.object({
  daemonVersion: z.string().nullable(),
  /** ids of lib/known-issues matches (e.g. `doublezero-2320`) */
  knownIssues: z.array(z.string()),
  peerFaults: z.array(z.string()),
});
export type FleetRowSignals = z.infer<typeof fleetRowSignalsSchema>;

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
  /** absent from servers that do not send it; then the header shows counts and site patterns only */
  signals: fleetRowSignalsSchema.optional(),
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

/** The moments `?at=` may name: no fleet has data before the Unix epoch or in the 22nd century. */
export const earliestAt = new Date('1970-01-01T00:00:00Z');
export const latestAt = new Date('2100-01-01T00:00:00Z');

/**
 * `?at=` everywhere: an ISO time; absent means live. A moment outside [earliestAt, latestAt) is a 400
 * here: year 1 used to reach the store and come back as an unlogged 500.
 */
export const atParamSchema = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => d >= earliestAt && d < latestAt, { message: `at must be between ${earliestAt.toISOString()} and ${latestAt.toISOString()}` });

export const fleetQuerySchema = z.object({ at: atParamSchema.optional() });
