import type { SectionName } from '../bundle/types';
import type { DaemonRoute } from '../parse/daemon-routes';
import type { LivenessEvent } from '../parse/journal';
import type { MetricSample } from '../parse/metrics';
import type { Rule } from '../parse/ip-rule';
import type { Nexthop, Route } from '../parse/ip-route';
import type { FirewallChain, FirewallRule } from '../parse/nft';
import type { UnitState } from '../parse/systemctl';
import type { DaemonUnit } from '../parse/systemctl-show';
import type { DaemonStatus } from '../parse/daemon-status';
import type { Family } from '../route/ip';

// The normalized state of one node: what the diagnosis reads and what history stores. Only the
// `StableNodeState` part is hashed and stored change-only; events, metrics and counters move on
// every poll and would make every poll a "change".

export interface LinkState {
  ifname: string;
  kind?: string;
  up: boolean;
  lowerUp: boolean;
  operstate: string;
  mtu?: number;
  flags: string[];
}

export interface AddressState {
  ifname: string;
  family: Family;
  local: string;
  prefixlen: number;
  scope?: string;
  tentative: boolean;
  dadfailed: boolean;
}

/** A parsed next hop without its flags. */
export type NexthopState = Omit<Nexthop, 'flags'>;

/** A parsed route without its raw record, printed form and flags, plus its `ip route` text. */
export type RouteState = Omit<Route, 'raw' | 'dstText' | 'flags' | 'nexthops'> & {
  nexthops: NexthopState[];
  /** the route as `ip route` prints it */
  text: string;
};

/** A parsed rule (every selector the lookup evaluates) without its raw record, plus its `ip rule` text. */
export type RuleState = Omit<Rule, 'raw'> & {
  /** the rule as `ip rule` prints it */
  text: string;
};

export interface FirewallState {
  chains: FirewallChain[];
  rules: FirewallRule[];
}

export type DaemonSession = Omit<DaemonRoute, 'raw'>;

export interface DaemonState {
  /** `systemctl is-active doublezerod`; null when not collected */
  unitState: UnitState | null;
  /** the daemon's own session list (`GET /routes`); null when not collected or unreadable */
  sessions: DaemonSession[] | null;
  /** `doublezerod -version` (else `doublezero_build_info`); null when not known */
  version: string | null;
  /** `systemctl show doublezerod`: main PID, start time, command line; null when not collected */
  unit: DaemonUnit | null;
  /** `GET /v2/status`: the services (IBRL, IBRL with allocated IP, multicast) and their tunnels; null when not collected */
  status: DaemonStatus | null;
}

export interface StableNodeState {
  links: LinkState[];
  addresses: AddressState[];
  routes: RouteState[];
  rules: RuleState[];
  /** null when the ruleset could not be read (nft absent, no sudo): unknown, not "no firewall" */
  firewall: FirewallState | null;
  daemon: DaemonState;
}

export type SectionStatus = 'ok' | 'missing' | 'failed' | 'truncated' | 'unreadable';

export interface SectionIssue {
  section: SectionName;
  message: string;
}

export interface NodeState extends StableNodeState {
  node: string;
  collectedAt: string;
  /** doublezerod liveness log events read in this poll */
  events: LivenessEvent[];
  metrics: MetricSample[];
  sections: Partial<Record<SectionName, SectionStatus>>;
  issues: SectionIssue[];
}
