// The simulated node's state: what the kernel, the firewall and doublezerod hold. Every command
// the node answers is rendered from this, and remediation commands mutate it (see mutations.ts).

export type LinkKind = 'loopback' | 'ether' | 'gre';

export interface SimLink {
  ifindex: number;
  name: string;
  kind: LinkKind;
  /** administratively up (IFF_UP) */
  up: boolean;
  mtu: number;
  /** ether: MAC; gre: tunnel local IP */
  address: string;
  /** gre: tunnel remote IP */
  greRemote?: string;
}

export interface SimAddress {
  ifname: string;
  local: string;
  prefixlen: number;
}

/**
 * A route someone installed (the kernel derives the others from addresses): the daemon's BGP routes
 * `peer/32 via overlayPeer dev doublezero0 proto bgp src dzIp`, or one added with `ip route add`.
 */
export interface SimRoute {
  dst: string;
  prefixlen: number;
  gateway: string;
  dev: string;
  src?: string;
  /** `boot` is what `ip route add` gives a route when no proto is named */
  protocol: 'bgp' | 'boot' | 'static';
}

export interface SimNftRule {
  handle: number;
  daddr: string;
  dport: number;
  verdict: 'drop' | 'reject';
}

export type LivenessState = 'Up' | 'Down' | 'Init' | 'AdminDown';

export interface SessionKey {
  iface: string;
  localIp: string;
  peerIp: string;
}

export interface LivenessSession extends SessionKey {
  state: LivenessState;
  /** ms epoch */
  lastUpdatedMs: number;
  downReason?: 'timeout' | 'remote_admin' | 'local_admin' | 'remote_down';
  peerMode: 'active' | 'passive';
  peerClientVersion: string;
}

/** What `doublezero connect ibrl [-a]` provisioned; the daemon re-applies it when it (re)starts. */
export interface Provision {
  /** the DZ IP: the allocated IP with `-a`, else the public IP */
  dzIp: string;
  allocated: boolean;
  tunnelLocal: string;
  tunnelRemote: string;
  /** the client's (upper) address of the overlay /31 */
  overlayLocal: string;
  /** the device's (lower) address, the BGP next hop */
  overlayPeer: string;
  /** DZ IPs of the other clients BGP learns routes to */
  peers: string[];
  /** peers whose route BGP does not install (scenario "missing route") */
  withheldRoutes: string[];
}

/** What the DoubleZero network would give this client on `doublezero connect ibrl [-a]`. */
export interface DzNetworkView {
  tunnelRemote: string;
  overlayLocal: string;
  overlayPeer: string;
  peers: string[];
  /** the address `-a` allocates */
  allocatableIp: string;
}

/** What `doublezero connect multicast subscriber <group>` provisioned: a second GRE tunnel, no liveness. */
export interface MulticastProvision {
  tunnelLocal: string;
  tunnelRemote: string;
  overlayLocal: string;
  overlayPeer: string;
  /** multicast group addresses, one static route each through doublezero1 */
  groups: string[];
}

export interface DaemonState {
  active: boolean;
  pid: number;
  startedAtMs: number;
  /** last time the unit became active (systemd keeps it after a stop); null: never */
  activeEnterMs: number | null;
  /** the exit of the last process, while the unit is stopped */
  exited: { atMs: number; pid: number } | null;
  /** the tunnel is up and BGP routes are installed */
  connected: boolean;
  provision: Provision | null;
  multicast: MulticastProvision | null;
  /** whether the multicast tunnel is up (doublezero1 exists) */
  multicastConnected: boolean;
  sessions: LivenessSession[];
  /** the unit's ExecStart argv: the flags decide liveness, passive mode and metrics */
  argv: string[];
  /** the port the metrics listener got at this start (from -metrics-addr; a random one for port 0); 0 when off */
  metricsPort: number;
  /** peers sending us control packets for sessions we do not have (DZ IPs), from a time on */
  unknownPeers: { peerIp: string; fromMs: number }[];
}

/** A span of time during which one session's sends fail with `error`; the journal is generated from these. */
export interface FailureSpan extends SessionKey {
  error: string;
  fromMs: number;
  /** null while it is still failing */
  toMs: number | null;
  pid: number;
}

/** A record the daemon wrote at a moment (not generated from spans): its exact JSON line. */
export interface InfoEvent {
  atMs: number;
  subMsNanos: number;
  pid: number;
  line: string;
}

/** The send-warning throttle's state at a past instant, so later windows continue the same sequence. */
export interface ThrottleCheckpoint {
  atMs: number;
  lastWarnMs: number | null;
}

export interface SimNodeState {
  index: number;
  name: string;
  bootId: string;
  machineId: string;
  publicIp: string;
  publicPrefixlen: number;
  gateway: string;
  links: SimLink[];
  addresses: SimAddress[];
  /** installed routes (BGP and manual); flushed from the tables while their device is down */
  installedRoutes: SimRoute[];
  /** null: nft is not installed on this node */
  nft: { rules: SimNftRule[]; nextHandle: number } | null;
  daemon: DaemonState;
  dzNetwork: DzNetworkView;
  /** the doublezerod client version installed and running (`0.8.0`) */
  version: string;
  /** goreleaser's short commit and build date of that version */
  buildCommit: string;
  buildDate: string;
  /** the multicast network view, for nodes that run multicast */
  multicastNetwork: MulticastProvision | null;
  history: {
    spans: FailureSpan[];
    infos: InfoEvent[];
    /** per throttle (`send|PID`, `unknown|PID`): checkpoints of its state, see history.ts */
    throttle: Record<string, ThrottleCheckpoint[]>;
  };
  nextIfindex: number;
  /** routes in the probe's ip-route section when the node holds a huge table (big-route-table.ts); absent: its own routes only */
  routeTableSize?: number;
}

export const LIVENESS_PORT = 44880;
export const TUNNEL_IFACE = 'doublezero0';
export const MULTICAST_IFACE = 'doublezero1';
/** The journal the node keeps (like a size-limited journald): older records are forgotten. */
export const HISTORY_MS = 30 * 60 * 1000;
/**
 * The daemon logs the send warning at most once per 5 s for the whole daemon (not per peer):
 * lib/doublezerod throttle.ts, upstream internal/liveness/scheduler.go writeErrWarnEvery.
 */
export const WARN_INTERVAL_MS = 5000;

export function findLink(state: SimNodeState, name: string): SimLink | undefined {
  return state.links.find((l) => l.name === name);
}

export function addressesOn(state: SimNodeState, ifname: string): SimAddress[] {
  return state.addresses.filter((a) => a.ifname === ifname);
}

export function sessionKeyString(k: SessionKey): string {
  return `${k.iface}|${k.localIp}|${k.peerIp}`;
}

/** The daemon's Peer.String(), as it appears in log records. */
export function peerString(k: SessionKey): string {
  return `interface: ${k.iface}, localIP: ${k.localIp}, peerIP: ${k.peerIp}`;
}

/** The flags of the daemon's argv that the model reads (Go's flag package: `-x`, `--x`, `-x=v`, `-x v`). */
export function daemonFlag(argv: readonly string[], name: string): string | true | undefined {
  let found: string | true | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?([A-Za-z0-9-]+)(?:=(.*))?$/.exec(a);
    if (!m || m[1] !== name) continue;
    if (m[2] !== undefined) found = m[2];
    else if (name.endsWith('-enable') || name.endsWith('-passive') || name.endsWith('-active')) found = true;
    else found = argv[i + 1] ?? '';
  }
  return found;
}
