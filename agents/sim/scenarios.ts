import { DEFAULT_DAEMON_ARGV } from '../../lib/doublezerod';
import { fnv1a } from './hash';
import { intToIp, ipToInt } from './ipv4';
import { addNftDrop, addUnknownPeer, connect, connectMulticast, deleteBgpRoute, disconnectLeavingSessions, setLinkUp, startDaemon } from './mutations';
import { MULTICAST_IFACE, TUNNEL_IFACE, type MulticastProvision, type Provision, type SimNodeState } from './state';

// Who is in the simulated fleet and what is wrong with them, deterministic from the node index:
// the same fleet size always gives the same names, addresses, client versions, incidents and peers.

/**
 * What is wrong with a node's network state. `multicast-only` runs only the multicast tunnel (doublezero1, no
 * liveness); `unicast-multicast` runs both, healthy; `multicast-down` runs both with doublezero1 down.
 */
export const incidentKinds = [
  'healthy',
  'seed-stale-session',
  'stale-session',
  'link-down',
  'nft-drop',
  'missing-route',
  'daemon-disconnected',
  'multicast-only',
  'unicast-multicast',
  'multicast-down',
] as const;
export type IncidentKind = (typeof incidentKinds)[number];

/** How a node's SSH server behaves (hostile modes are for tests of the agent). */
export const behaviors = ['normal', 'unreachable', 'silent', 'garbage', 'malformed', 'huge', 'slow', 'rekey'] as const;
export type Behavior = (typeof behaviors)[number];

export interface ScenarioOverride {
  kind?: IncidentKind;
  behavior?: Behavior;
  /** slow: answer delay (default 10 s) */
  delayMs?: number;
  /** huge: bytes printed per exec (default 64 MiB) */
  hugeBytes?: number;
  /** a kernel route table of this many routes in the probe's ip-route section (e.g. 1,000,000), streamed */
  routeTableSize?: number;
}

export interface NodePlan {
  index: number;
  name: string;
  site: string;
  tags: string[];
  kind: IncidentKind;
  behavior: Behavior;
  delayMs: number;
  hugeBytes: number;
  /** 0: the node's own routes only */
  routeTableSize: number;
  publicIp: string;
  gateway: string;
  mac: string;
  /** the node's DZ IP now (allocated with `-a`, else its public IP) */
  dzIp: string;
  allocated: boolean;
  tunnelRemote: string;
  overlayLocal: string;
  overlayPeer: string;
  nftInstalled: boolean;
  /** the doublezerod client version the node runs */
  version: string;
  /** the unit's ExecStart (flags: liveness before v0.8.3, metrics) */
  argv: string[];
  /** `-metrics-addr` when metrics are on (`localhost:0`: a random port), null when off */
  metricsAddr: string | null;
  /** runs the unicast (IBRL) service on doublezero0 */
  unicast: boolean;
  /** runs the multicast service on doublezero1 */
  multicast: boolean;
  /** a DoubleZero client that keeps sending this node control packets for a session it does not have */
  unknownPeer: string | null;
}

export const SEED_NODE = 'dfw-mn-bm1';
/** The allocated IP of the seed incident, gone from doublezero0 since the reconnect without `-a`. */
export const SEED_VANISHED_IP = '209.245.225.161';
/** The seed node runs a client with the bug (sessions kept on disconnect: ≤ v0.8.0, upstream issue 2320). */
export const SEED_VERSION = '0.8.0';
/** Other DoubleZero clients outside the simulated fleet (the seed's peers among them). Data only. */
export const EXTERNAL_PEERS = ['216.238.110.55', '185.189.45.80', '86.54.153.247', '64.130.52.117', '149.248.8.22'] as const;
const SEED_PEERS = EXTERNAL_PEERS.slice(0, 3);
/**
 * More external clients the seed node peers with, so that its stale sessions outnumber what one 5 s warning
 * slot can show: with 45 stale sessions a given peer is named about every 45 × 5 s. Data only (TEST-NET-3).
 */
export const SEED_EXTRA_PEERS: readonly string[] = Array.from({ length: 40 }, (_, i) => `203.0.113.${10 + i}`);
/** How many sessions of the vanished IP the seed node keeps. */
export const SEED_STALE_SESSIONS = SEED_PEERS.length + SEED_EXTRA_PEERS.length + 2;
/** A client that sends to a node which has no session for it (unknown-peer WARN up to v0.8.0). Data only. */
export const UNKNOWN_PEER = '45.250.254.10';
/** Multicast groups the multicast nodes subscribe to. Data only. */
const MULTICAST_GROUPS = ['233.84.178.1'];

const SITES = ['dfw', 'ams', 'fra', 'lon', 'nyc', 'sin', 'tyo', 'lax', 'chi', 'mia', 'sea', 'par'] as const;
const REGIONS: Record<(typeof SITES)[number], string> = {
  dfw: 'na',
  ams: 'eu',
  fra: 'eu',
  lon: 'eu',
  nyc: 'na',
  sin: 'apac',
  tyo: 'apac',
  lax: 'na',
  chi: 'na',
  mia: 'na',
  sea: 'na',
  par: 'eu',
};
interface FirstNode {
  kind: IncidentKind;
  behavior: Behavior;
  version: string;
  /** -metrics-addr, or null: metrics off */
  metrics: string | null;
}
// The first nodes carry one incident each so a 12-node demo shows every verdict, on a mix of client
// versions: ≤ v0.7.0 (nyc), v0.7.1 … v0.8.0 (dfw, lax), several ≥ v0.8.3.
const FIRST: readonly FirstNode[] = [
  { kind: 'seed-stale-session', behavior: 'normal', version: SEED_VERSION, metrics: 'localhost:0' },
  { kind: 'link-down', behavior: 'normal', version: '0.8.3', metrics: null },
  { kind: 'nft-drop', behavior: 'normal', version: '0.8.3', metrics: '127.0.0.1:2113' },
  { kind: 'missing-route', behavior: 'normal', version: '0.8.3', metrics: null },
  { kind: 'daemon-disconnected', behavior: 'normal', version: '0.7.0', metrics: null },
  { kind: 'healthy', behavior: 'unreachable', version: '0.8.3', metrics: null },
  { kind: 'multicast-down', behavior: 'normal', version: '0.10.0', metrics: null },
  // healthy, connected with -a; on v0.7.1 it logs unknown-peer WARN lines that are not send failures
  { kind: 'healthy', behavior: 'normal', version: '0.7.1', metrics: null },
  { kind: 'multicast-only', behavior: 'normal', version: '0.12.0', metrics: 'localhost:0' },
  { kind: 'unicast-multicast', behavior: 'normal', version: '0.10.0', metrics: null },
  { kind: 'healthy', behavior: 'normal', version: '0.8.3', metrics: null },
  { kind: 'healthy', behavior: 'normal', version: '0.21.0', metrics: 'localhost:0' },
];
/** Larger fleets: a deterministic mix, most nodes on current clients. */
const FLEET_VERSIONS = ['0.8.3', '0.10.0', '0.8.3', '0.12.0', '0.21.0', '0.8.0', '0.8.3', '0.7.1', '0.10.0', '0.7.0'] as const;
/** Clients that keep sessions on disconnect (the seed bug): a stale-session node runs one of these. */
const BUGGY_VERSIONS = ['0.8.0', '0.7.1'] as const;
// Larger fleets: a few percent of nodes with an incident, repeating every 50 nodes.
const EVERY_50: Record<number, { kind: IncidentKind; behavior: Behavior }> = {
  0: { kind: 'stale-session', behavior: 'normal' },
  10: { kind: 'link-down', behavior: 'normal' },
  20: { kind: 'nft-drop', behavior: 'normal' },
  30: { kind: 'missing-route', behavior: 'normal' },
  25: { kind: 'multicast-only', behavior: 'normal' },
  35: { kind: 'multicast-down', behavior: 'normal' },
  40: { kind: 'daemon-disconnected', behavior: 'normal' },
  45: { kind: 'healthy', behavior: 'unreachable' },
};

function versionFor(index: number, kind: IncidentKind): string {
  const first = index < FIRST.length ? FIRST[index] : undefined;
  if (first && (first.kind === kind || kind === 'healthy')) return first.version;
  if (kind === 'seed-stale-session' || kind === 'stale-session') return BUGGY_VERSIONS[Math.floor(index / 50) % BUGGY_VERSIONS.length]!;
  return FLEET_VERSIONS[fnv1a(`version|${index}`) % FLEET_VERSIONS.length]!;
}

function metricsFor(index: number): string | null {
  if (index < FIRST.length) return FIRST[index]!.metrics;
  return index % 4 === 0 ? 'localhost:0' : index % 4 === 2 ? '127.0.0.1:2113' : null;
}

function versionBefore083(version: string): boolean {
  const [maj = 0, min = 0, pat = 0] = version.split('.').map(Number);
  return maj === 0 && (min < 8 || (min === 8 && pat < 3));
}

/** The unit's ExecStart: upstream's, plus liveness before v0.8.3 (opt-in then) and the metrics flags. */
function argvFor(version: string, metricsAddr: string | null): string[] {
  const argv = [...DEFAULT_DAEMON_ARGV];
  if (versionBefore083(version)) argv.push('-route-liveness-enable-passive');
  if (metricsAddr !== null) {
    argv.push('-metrics-enable');
    if (metricsAddr !== 'localhost:0') argv.push('-metrics-addr', metricsAddr);
  }
  return argv;
}

export const MAX_NODES = 16_000;

export function nodeName(index: number): string {
  return `${SITES[index % SITES.length]}-mn-bm${Math.floor(index / SITES.length) + 1}`;
}

export function planNode(index: number, override?: ScenarioOverride): NodePlan {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_NODES) throw new Error(`node index out of range: ${index}`);
  const site = SITES[index % SITES.length]!;
  const base = index < FIRST.length ? FIRST[index]! : (EVERY_50[index % 50] ?? { kind: 'healthy', behavior: 'normal' });
  const kind = override?.kind ?? base.kind;
  const version = versionFor(index, kind);
  const metricsAddr = metricsFor(index);
  const publicBase = ipToInt('198.18.0.0') + index * 8;
  // Some healthy nodes connect with `-a` (an allocated DZ IP), like part of a real fleet.
  const allocated = kind === 'healthy' && index % 3 === 1;
  const publicIp = intToIp(publicBase + 2);
  const overlayBase = ipToInt('169.254.0.0') + index * 2;
  return {
    index,
    name: nodeName(index),
    site,
    tags: ['mainnet', 'bm', REGIONS[site]],
    kind,
    behavior: override?.behavior ?? base.behavior,
    delayMs: override?.delayMs ?? 10_000,
    hugeBytes: override?.hugeBytes ?? 64 * 1024 * 1024,
    routeTableSize: override?.routeTableSize ?? 0,
    publicIp,
    gateway: intToIp(publicBase + 1),
    mac: macOf(index),
    dzIp: allocated ? intToIp(ipToInt('209.245.228.0') + index) : publicIp,
    allocated,
    tunnelRemote: intToIp(ipToInt('198.19.255.1') + SITES.indexOf(site)),
    overlayLocal: intToIp(overlayBase + 1),
    overlayPeer: intToIp(overlayBase),
    nftInstalled: index % 12 !== 7,
    version,
    argv: argvFor(version, metricsAddr),
    metricsAddr,
    unicast: kind !== 'multicast-only',
    multicast: kind === 'multicast-only' || kind === 'unicast-multicast' || kind === 'multicast-down',
    unknownPeer: index === 7 && kind === 'healthy' ? UNKNOWN_PEER : null,
  };
}

function macOf(index: number): string {
  const h = fnv1a(`mac|${index}`);
  return ['0c', '42', 'a1', (h >>> 16) & 255, (h >>> 8) & 255, h & 255].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');
}

/**
 * The DZ IPs a node peers with: every other node in a small fleet, ring neighbours (±8) in a large
 * one (per-node cost stays constant at 1,000 nodes), plus the external clients.
 */
export function peersOf(plans: readonly NodePlan[], index: number): string[] {
  const n = plans.length;
  const others: number[] = [];
  if (n <= 17) {
    for (let j = 0; j < n; j++) if (j !== index) others.push(j);
  } else {
    for (let d = 1; d <= 8; d++) others.push((index + d) % n, (index - d + n) % n);
  }
  // A multicast-only node is no unicast client: nobody has a liveness session with it.
  return [...others.filter((j) => plans[j]!.unicast).map((j) => plans[j]!.dzIp), ...EXTERNAL_PEERS];
}

function hex32(text: string): string {
  return [0, 1, 2, 3].map((i) => fnv1a(`${i}|${text}`).toString(16).padStart(8, '0')).join('');
}

function emptyState(plan: NodePlan, peers: readonly string[]): SimNodeState {
  return {
    index: plan.index,
    name: plan.name,
    bootId: hex32(`boot|${plan.name}`),
    machineId: hex32(`machine|${plan.name}`),
    publicIp: plan.publicIp,
    publicPrefixlen: 29,
    gateway: plan.gateway,
    links: [
      { ifindex: 1, name: 'lo', kind: 'loopback', up: true, mtu: 65536, address: '00:00:00:00:00:00' },
      { ifindex: 2, name: 'eth0', kind: 'ether', up: true, mtu: 1500, address: plan.mac },
    ],
    addresses: [
      { ifname: 'lo', local: '127.0.0.1', prefixlen: 8 },
      { ifname: 'eth0', local: plan.publicIp, prefixlen: 29 },
    ],
    installedRoutes: [],
    nft: plan.nftInstalled ? { rules: [], nextHandle: 4 } : null,
    daemon: {
      active: false,
      pid: 0,
      startedAtMs: 0,
      activeEnterMs: null,
      exited: null,
      connected: false,
      provision: null,
      multicast: null,
      multicastConnected: false,
      sessions: [],
      argv: [...plan.argv],
      metricsPort: 0,
      unknownPeers: [],
    },
    dzNetwork: {
      tunnelRemote: plan.tunnelRemote,
      overlayLocal: plan.overlayLocal,
      overlayPeer: plan.overlayPeer,
      peers: [...peers],
      allocatableIp: plan.allocated ? plan.dzIp : intToIp(ipToInt('209.245.232.0') + plan.index),
    },
    version: plan.version,
    buildCommit: fnv1a(`commit|${plan.version}`).toString(16).padStart(8, '0').slice(0, 7),
    buildDate: buildDateOf(plan.version),
    multicastNetwork: plan.multicast ? multicastViewOf(plan) : null,
    history: { spans: [], infos: [], throttle: {} },
    nextIfindex: 3,
    ...(plan.routeTableSize > 0 ? { routeTableSize: plan.routeTableSize } : {}),
  };
}

/** goreleaser's {{.Date}} of a release: a fixed date per version (data only). */
function buildDateOf(version: string): string {
  const [, minor = 0, patch = 0] = version.split('.').map(Number);
  const day = Date.UTC(2025, 8, 1) + (minor * 40 + patch * 3) * 86_400_000;
  return new Date(day + 16 * 3_600_000 + 12 * 60_000 + 3_000).toISOString().replace('.000Z', 'Z');
}

function multicastViewOf(plan: NodePlan): MulticastProvision {
  const overlayBase = ipToInt('169.254.128.0') + plan.index * 2;
  return {
    tunnelLocal: plan.publicIp,
    tunnelRemote: plan.tunnelRemote,
    overlayLocal: intToIp(overlayBase + 1),
    overlayPeer: intToIp(overlayBase),
    groups: [...MULTICAST_GROUPS],
  };
}

function provisionOf(plan: NodePlan, dzIp: string, allocated: boolean, peers: string[]): Provision {
  return {
    dzIp,
    allocated,
    tunnelLocal: plan.publicIp,
    tunnelRemote: plan.tunnelRemote,
    overlayLocal: plan.overlayLocal,
    overlayPeer: plan.overlayPeer,
    peers,
    withheldRoutes: [],
  };
}

const MIN = 60_000;

/** Builds a node's state at `nowMs`, replaying its story (connects, incidents) at past times. */
export function buildNodeState(plan: NodePlan, peers: readonly string[], nowMs: number): SimNodeState {
  const state = emptyState(plan, peers);
  const h = fnv1a(plan.name);
  // Healthy daemons started between 5 and 55 minutes ago; some session-up lines are in the journal.
  const bootAt = nowMs - (5 + (h % 50)) * MIN;
  if (plan.kind === 'seed-stale-session' || plan.kind === 'stale-session') {
    const oldIp = plan.kind === 'seed-stale-session' ? SEED_VANISHED_IP : intToIp(ipToInt('209.245.232.0') + plan.index);
    // Connected with -a 40 min ago, disconnected 20 min ago, reconnected without -a 30 s later.
    // The allocation service hands the same node the same address again: a repeat of the sequence repeats the incident.
    state.dzNetwork.allocatableIp = oldIp;
    const seed = plan.kind === 'seed-stale-session';
    if (seed) state.dzNetwork.peers = [...peers, ...SEED_EXTRA_PEERS];
    const earlyPeers = seed ? [...SEED_PEERS, ...SEED_EXTRA_PEERS, ...peers.filter((p) => !SEED_PEERS.includes(p as never)).slice(0, 2)] : peers.slice(0, 4);
    startDaemon(state, nowMs - 45 * MIN);
    connect(state, provisionOf(plan, oldIp, true, earlyPeers), nowMs - 40 * MIN);
    disconnectLeavingSessions(state, nowMs - 20 * MIN);
    connect(state, provisionOf(plan, plan.publicIp, false, [...state.dzNetwork.peers]), nowMs - 20 * MIN + 30_000);
    return state;
  }
  startDaemon(state, bootAt - MIN);
  if (plan.unicast) connect(state, provisionOf(plan, plan.dzIp, plan.allocated, [...peers]), bootAt);
  if (plan.multicast && state.multicastNetwork) connectMulticast(state, state.multicastNetwork, bootAt + 2_000);
  if (plan.unknownPeer) addUnknownPeer(state, plan.unknownPeer, bootAt + 2 * MIN);
  const incidentAt = Math.max(bootAt + MIN, nowMs - (8 + (h % 10)) * MIN);
  const victim = peers[h % Math.max(1, peers.length - EXTERNAL_PEERS.length)] ?? peers[0];
  switch (plan.kind) {
    case 'link-down':
      setLinkUp(state, TUNNEL_IFACE, false, incidentAt);
      break;
    case 'nft-drop':
      if (state.nft && victim) addNftDrop(state, victim, incidentAt);
      break;
    case 'missing-route':
      if (victim) deleteBgpRoute(state, victim, incidentAt);
      break;
    case 'daemon-disconnected':
      // doublezero0 vanished under the daemon (it still holds the provision and its sessions).
      disconnectLeavingSessions(state, incidentAt);
      break;
    case 'multicast-down':
      setLinkUp(state, MULTICAST_IFACE, false, incidentAt);
      break;
    default:
      break;
  }
  return state;
}

/** Plans and builds every node's state without any server: the fleet as pure data (tests, benchmarks). */
export function buildFleetStates(count: number, nowMs: number, overrides: Record<string, ScenarioOverride> = {}): { plan: NodePlan; state: SimNodeState }[] {
  const plans = Array.from({ length: count }, (_, i) => planNode(i, overrides[nodeName(i)]));
  return plans.map((plan, i) => ({ plan, state: buildNodeState(plan, peersOf(plans, i), nowMs) }));
}
