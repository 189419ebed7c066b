import type { LookupFailure } from '../route/lookup';

/** In precedence order: the first that applies is the verdict (DESIGN.md "Verdicts"). */
export const verdicts = ['unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'healthy'] as const;
export type Verdict = (typeof verdicts)[number];

// How bad a verdict is, for choosing the one that speaks for a peer (several sessions) or a node
// (several peers). A concrete cause outranks a peer-level `unknown` (fresh data, recent warnings, no
// cause found now): the seed's stale session must not hide behind a peer that merely warned earlier.
// A node without fresh data is unknown as a whole before any ranking (diagnose's nodeUnknown).
const severity: readonly Verdict[] = ['interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'unknown', 'healthy'];

/** Lower is worse. */
export function verdictRank(v: Verdict): number {
  return severity.indexOf(v);
}

export function worstVerdict(list: readonly Verdict[]): Verdict | null {
  return list.reduce<Verdict | null>((worst, v) => (worst === null || verdictRank(v) < verdictRank(worst) ? v : worst), null);
}

export interface WarningEvidence {
  /** WARN/ERROR liveness lines for this peer inside the window (doublezerod logs at most one per 5 s per peer) */
  count: number;
  windowStart: string;
  windowEnd: string;
  /** latest warning seen in this poll's journal, inside the window or not */
  lastAt: string | null;
  lastError: string | null;
}

export interface StructuredEvidence {
  poll?: { state: string; lastSuccessAt: string | null; ageSeconds: number | null; error: string | null };
  missingSections?: string[];
  link?: { ifname: string; present: boolean; up?: boolean; lowerUp?: boolean; operstate?: string; flags?: string[] };
  /** the session's localIP when it is on no interface of the node */
  missingAddress?: string;
  /** addresses on the session's interface, as `a.b.c.d/len` */
  interfaceAddresses?: string[];
  route?: { ok: boolean; failure?: LookupFailure; route?: string; table?: string; rule?: string; dev?: string; steps: string[] };
  firewall?:
    | { known: false }
    | { known: true; verdict: 'accept' | 'drop' | 'reject'; rule?: { family: string; table: string; chain: string; handle: number | null; text: string }; policyChain?: string; undecidedRules: string[] };
  warnings: WarningEvidence;
  daemonSession?: { livenessState?: string; livenessStateReason?: string; kernelState?: string; livenessPeerMode?: string; livenessLastUpdated?: string };
  /** other (interface, localIP) sessions to the same peer and their verdicts */
  otherSessions?: { interface: string; localIP: string; verdict: Verdict }[];
}

export interface PeerVerdict {
  peer: string;
  interface: string;
  localIP: string;
  verdict: Verdict;
  warnings: number;
  lastWarningAt: string | null;
  /** human-readable proof, most important first */
  evidence: string[];
  details: StructuredEvidence;
}

export interface NodeDiagnosis {
  node: string;
  collectedAt: string;
  /** set when the whole node is unknown (poll failed or stale) */
  nodeUnknown: string | null;
  peers: PeerVerdict[];
  worst: Verdict | null;
  /** doublezero0 as the fleet page shows it: missing, down, up */
  doublezero0: 'missing' | 'down' | 'up';
  warningsInWindow: number;
}
