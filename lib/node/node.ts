import { z } from 'zod';
import { knownIssueMatchSchema } from '@/lib/known-issues/schema';
import { fleetRowSchema } from '../fleet/fleet';
import { verdictSchema } from '../diagnosis/verdict-schema';

const isoSchema = z.string().datetime({ offset: true });

export const interfaceRowSchema = z.object({
  ifname: z.string(),
  kind: z.string().nullable(),
  operstate: z.string().nullable(),
  flags: z.array(z.string()),
  mtu: z.number().nullable(),
});
export type InterfaceRow = z.infer<typeof interfaceRowSchema>;

export const addressRowSchema = z.object({
  ifname: z.string(),
  family: z.string(),
  cidr: z.string(),
  scope: z.string().nullable(),
});
export type AddressRow = z.infer<typeof addressRowSchema>;

export const routeRowSchema = z.object({
  table: z.string(),
  type: z.string().nullable(),
  dst: z.string(),
  gateway: z.string().nullable(),
  dev: z.string().nullable(),
  protocol: z.string().nullable(),
  scope: z.string().nullable(),
  prefsrc: z.string().nullable(),
  metric: z.number().nullable(),
  /** the route as `ip route` prints it */
  text: z.string(),
});
export type RouteRow = z.infer<typeof routeRowSchema>;

export const livenessEventRowSchema = z.object({
  at: isoSchema,
  level: z.string(),
  msg: z.string(),
  interface: z.string().nullable(),
  localIp: z.string().nullable(),
  peerIp: z.string().nullable(),
  error: z.string().nullable(),
});
export type LivenessEventRow = z.infer<typeof livenessEventRowSchema>;

// One liveness peer's verdict with its evidence (lib/diagnosis PeerVerdict, the parts the UI shows).
export const peerVerdictRowSchema = z.object({
  peer: z.string(),
  interface: z.string(),
  localIP: z.string(),
  verdict: verdictSchema,
  warnings: z.number().int(),
  lastWarningAt: isoSchema.nullable(),
  /** when this verdict began (kept while it stays); null when nothing tells */
  since: isoSchema.nullable().default(null),
  /** readable proof, most important first */
  evidence: z.array(z.string()),
  details: z.object({
    missingAddress: z.string().optional(),
    interfaceAddresses: z.array(z.string()).optional(),
    route: z
      .object({ ok: z.boolean(), route: z.string().optional(), table: z.string().optional(), rule: z.string().optional(), steps: z.array(z.string()) })
      .optional(),
    firewall: z
      .object({
        known: z.boolean(),
        verdict: z.string().optional(),
        rule: z.object({ text: z.string(), chain: z.string() }).optional(),
        policyChain: z.string().optional(),
      })
      .optional(),
    warnings: z
      .object({ count: z.number(), windowStart: z.string(), windowEnd: z.string(), lastAt: z.string().nullable(), lastError: z.string().nullable() })
      .optional(),
  }),
});
export type PeerVerdictRow = z.infer<typeof peerVerdictRowSchema>;

// A finding about the whole node (lib/diagnosis NodeFinding, the parts the UI shows): a stale local IP,
// a tunnel down or missing, the daemon not running.
export const nodeFindingRowSchema = z.object({
  kind: z.string(),
  verdict: verdictSchema,
  interface: z.string().nullable(),
  /** stale-local-ip: the local IP whose sessions fail (null when the daemon does not log it, before v0.7.1) */
  localIP: z.string().nullable().default(null),
  summary: z.string(),
  evidence: z.array(z.string()),
});
export type NodeFindingRow = z.infer<typeof nodeFindingRowSchema>;

export const stateChangeRowSchema = z.object({
  at: isoSchema,
  kind: z.string(),
  subject: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type StateChangeRow = z.infer<typeof stateChangeRowSchema>;

export const sectionInfoSchema = z.object({
  name: z.string(),
  exitCode: z.number().nullable(),
  truncated: z.boolean(),
  stderr: z.string(),
});

export const nodeDetailSchema = z.object({
  summary: fleetRowSchema,
  host: z.string(),
  port: z.number(),
  user: z.string(),
  /** what the node itself says its hostname is (the `hostname` section), untrusted text */
  reportedHostname: z.string().nullable(),
  interfaces: z.array(interfaceRowSchema),
  addresses: z.array(addressRowSchema),
  routes: z.array(routeRowSchema),
  events: z.array(livenessEventRowSchema),
  sections: z.array(sectionInfoSchema),
  /** the moment the tables and verdicts describe (latest collection, or the recorded state at a pinned time) */
  stateSince: isoSchema.nullable(),
  /** why there is no state or diagnosis, when there is none */
  missing: z.string().nullable(),
  /** set when the whole node is unknown (poll failed or stale, sections missing) */
  nodeUnknown: z.string().nullable(),
  peers: z.array(peerVerdictRowSchema),
  /** node-level findings, judged on fresh data only */
  findings: z.array(nodeFindingRowSchema),
  /** upstream bugs the node's client version and findings match (lib/known-issues), with durable and immediate fixes */
  knownIssues: z.array(knownIssueMatchSchema),
  /** state changes in the 15 minutes before the view's moment, newest first */
  changes: z.array(stateChangeRowSchema),
  /** problems the parsers met in this node's output, shown so nothing is silently dropped */
  parseIssues: z.array(z.string()),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** The node's own hostname from the probe's `hostname` section: first line, trimmed, at most 253 characters. */
export function reportedHostname(stdout: string | undefined): string | null {
  const line = (stdout ?? '').split('\n', 1)[0]?.trim() ?? '';
  return line ? line.slice(0, 253) : null;
}

/** Node names as the inventory allows them; anything else is a 400 before any query. */
export { nodeNameSchema } from '@/lib/inventory/schema';
