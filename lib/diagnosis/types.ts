import type { LookupFailure } from '../route/lookup';
import type { KnownIssueMatch } from '../known-issues';

/** In precedence order: the first that applies is the verdict (DESIGN.md "Verdicts"). */
export const verdicts = ['unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'recovering', 'healthy'] as const;
export type Verdict = (typeof verdicts)[number];

/** The lifecycle a verdict is in: a cause now (failing), the cause gone with its warnings still in the window (recovering), or neither. */
export type Lifecycle = 'failing' | 'recovering' | 'healthy' | 'unknown';

export function lifecycleOf(v: Verdict): Lifecycle {
  return v === 'healthy' || v === 'recovering' || v === 'unknown' ? v : 'failing';
}

// How bad a verdict is, for choosing the one that speaks for a peer (several sessions) or a node
// (several peers). A concrete cause outranks a peer-level `unknown` (fresh data, recent warnings, no
// cause found now): the seed's stale session must not hide behind a peer that merely warned earlier.
// A node without fresh data is unknown as a whole before any ranking (diagnose's nodeUnknown).
// `recovering` (cause gone, warnings still in the window) is neither red nor green and ranks just above healthy.
const severity: readonly Verdict[] = [
  'interface-missing',
  'interface-down',
  'stale-session',
  'no-route',
  'firewall-blocked',
  'unknown',
  'recovering',
  'healthy',
];

/** Lower is worse. */
export function verdictRank(v: Verdict): number {
  return severity.indexOf(v);
}

export function worstVerdict(list: readonly Verdict[]): Verdict | null {
  return list.reduce<Verdict | null>((worst, v) => (worst === null || verdictRank(v) < verdictRank(worst) ? v : worst), null);
}

export interface WarningEvidence {
  /**
   * send warnings naming this peer inside the window: a SAMPLE, not a count of failures. doublezerod logs at
   * most one send warning every 5 s for the whole daemon, naming whichever session failed at that moment
   * (internal/liveness/scheduler.go writeErrWarnEvery).
   */
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
    | {
        known: true;
        verdict: 'accept' | 'drop' | 'reject';
        rule?: { family: string; table: string; chain: string; handle: number | null; text: string };
        policyChain?: string;
        undecidedRules: string[];
      };
  warnings: WarningEvidence;
  daemonSession?: { livenessState?: string; livenessStateReason?: string; kernelState?: string; livenessPeerMode?: string; livenessLastUpdated?: string };
  /** other (interface, localIP) sessions to the same peer and their verdicts */
  otherSessions?: { interface: string; localIP: string; verdict: Verdict }[];
  /** why a session is no longer failing although it warned inside the window */
  cleared?: { by: ClearedBy; at: string | null; text: string };
  /** where the session was seen: log lines, the daemon's /routes, a kernel BGP route */
  seenIn?: SessionSource[];
}

export type ClearedBy = 'daemon-restarted' | 'daemon-quiet' | 'cause-gone' | 'interface-back';
export type SessionSource = 'log' | 'daemon-routes' | 'kernel-route';

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
  /** when the current verdict began, as far as the evidence tells (first warning, the clearing event); null when unknown */
  since: string | null;
}

/** A finding about the node rather than one peer (DESIGN.md "Verdicts"). */
export type NodeFinding =
  | {
      kind: 'stale-local-ip';
      verdict: 'stale-session';
      interface: string;
      /** null when the daemon (< v0.7.1) does not log the session's local IP */
      localIP: string | null;
      /** sessions failing from this local IP: exact from doublezero_liveness_sessions, else the peers sampled (a lower bound) */
      sessionsFailing: number;
      exact: boolean;
      /** distinct peers the throttled warnings named since the daemon started */
      peersSampled: number;
      /** unthrottled send errors from doublezero_liveness_write_socket_errors_total, when collected */
      writeErrors: number | null;
      since: string | null;
      summary: string;
      evidence: string[];
    }
  | {
      kind: 'tunnel';
      verdict: 'interface-missing' | 'interface-down';
      interface: string;
      role: TunnelRole;
      summary: string;
      evidence: string[];
    }
  | {
      kind: 'daemon-not-running';
      verdict: 'unknown';
      interface: null;
      summary: string;
      evidence: string[];
    };

export type TunnelRole = 'unicast' | 'multicast';

export interface TunnelState {
  interface: string;
  role: TunnelRole;
  state: 'up' | 'down' | 'missing';
  /** why the node is expected to have it (the link exists, the daemon's services, its sessions) */
  expectedBecause: string;
}

export interface DaemonFacts {
  version: string | null;
  pid: number | null;
  /** the start of the daemon process the sessions belong to; null when nothing tells */
  startedAt: string | null;
  startedAtSource: 'systemctl' | 'journal: manager starting' | 'journal: systemd' | 'journal: new PID' | null;
  unitState: string | null;
  /** the newest send warning of the whole daemon, any peer */
  lastSendWarningAt: string | null;
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
  /** node-level findings: a stale local IP, a tunnel down or missing, the daemon not running */
  findings: NodeFinding[];
  /** the node's tunnels (doublezero0 unicast, doublezero1 multicast) that it is expected to have */
  tunnels: TunnelState[];
  daemon: DaemonFacts;
  /** upstream bugs that the node's version and findings match (lib/known-issues), with their durable and immediate fixes */
  knownIssues: KnownIssueMatch[];
}
