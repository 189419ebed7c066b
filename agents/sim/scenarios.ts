import { fnv1a } from './hash';
import { intToIp, ipToInt } from './ipv4';
import { addNftDrop, connect, deleteBgpRoute, disconnectLeavingSessions, setLinkUp, startDaemon } from './mutations';
import { TUNNEL_IFACE, type Provision, type SimNodeState } from './state';

// Who is in the simulated fleet and what is wrong with them, deterministic from the node index:
// the same fleet size always gives the same names, addresses, incidents and peers.

/** What is wrong with a node's network state. */
export const incidentKinds = ['healthy', 'seed-stale-session', 'stale-session', 'link-down', 'nft-drop', 'missing-route', 'daemon-disconnected'] as const;
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
  metricsEnabled: boolean;
}

export const SEED_NODE = 'dfw-mn-bm1';
/** The allocated IP of the seed incident, gone from doublezero0 since the reconnect without `-a`. */
export const SEED_VANISHED_IP = '209.245.225.161';
/** Other DoubleZero clients outside the simulated fleet (the seed's peers among them). Data only. */
export const EXTERNAL_PEERS = ['216.238.110.55', '185.189.45.80', '86.54.153.247', '64.130.52.117', '149.248.8.22'] as const;
const SEED_PEERS = EXTERNAL_PEERS.slice(0, 3);

const SITES = ['dfw', 'ams', 'fra', 'lon', 'nyc', 'sin', 'tyo', 'lax', 'chi', 'mia', 'sea', 'par'] as const;
const REGIONS: Record<(typeof SITES)[number], string> = {
  dfw: 'na', ams: 'eu', fra: 'eu', lon: 'eu', nyc: 'na', sin: 'apac', tyo: 'apac', lax: 'na', chi: 'na', mia: 'na', sea: 'na', par: 'eu',
};
// The first nodes carry one incident each so a 12-node demo shows every verdict.
const FIRST: readonly { kind: IncidentKind; behavior: Behavior }[] = [
  { kind: 'seed-stale-session', behavior: 'normal' },
  { kind: 'link-down', behavior: 'normal' },
  { kind: 'nft-drop', behavior: 'normal' },
  { kind: 'missing-route', behavior: 'normal' },
  { kind: 'daemon-disconnected', behavior: 'normal' },
  { kind: 'healthy', behavior: 'unreachable' },
];
// Larger fleets: a few percent of nodes with an incident, repeating every 50 nodes.
const EVERY_50: Record<number, { kind: IncidentKind; behavior: Behavior }> = {
  0: { kind: 'stale-session', behavior: 'normal' },
  10: { kind: 'link-down', behavior: 'normal' },
  20: { kind: 'nft-drop', behavior: 'normal' },
  30: { kind: 'missing-route', behavior: 'normal' },
  40: { kind: 'daemon-disconnected', behavior: 'normal' },
  45: { kind: 'healthy', behavior: 'unreachable' },
};

export const MAX_NODES = 16_000;

export function nodeName(index: number): string {
  return `${SITES[index % SITES.length]}-mn-bm${Math.floor(index / SITES.length) + 1}`;
}

export function planNode(index: number, override?: ScenarioOverride): NodePlan {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_NODES) throw new Error(`node index out of range: ${index}`);
  const site = SITES[index % SITES.length]!;
  const base = index < 12 ? (FIRST[index] ?? { kind: 'healthy', behavior: 'normal' }) : (EVERY_50[index % 50] ?? { kind: 'healthy', behavior: 'normal' });
  const kind = override?.kind ?? base.kind;
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
    metricsEnabled: index % 2 === 0,
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
  return [...others.map((j) => plans[j]!.dzIp), ...EXTERNAL_PEERS];
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
    daemon: { active: false, pid: 0, startedAtMs: 0, connected: false, provision: null, sessions: [], metricsEnabled: plan.metricsEnabled },
    dzNetwork: {
      tunnelRemote: plan.tunnelRemote,
      overlayLocal: plan.overlayLocal,
      overlayPeer: plan.overlayPeer,
      peers: [...peers],
      allocatableIp: plan.allocated ? plan.dzIp : intToIp(ipToInt('209.245.232.0') + plan.index),
    },
    history: { spans: [], infos: [] },
    nextIfindex: 3,
    ...(plan.routeTableSize > 0 ? { routeTableSize: plan.routeTableSize } : {}),
  };
}

function provisionOf(plan: NodePlan, dzIp: string, allocated: boolean, peers: string[]): Provision {
  return { dzIp, allocated, tunnelLocal: plan.publicIp, tunnelRemote: plan.tunnelRemote, overlayLocal: plan.overlayLocal, overlayPeer: plan.overlayPeer, peers, withheldRoutes: [] };
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
    const earlyPeers = plan.kind === 'seed-stale-session' ? [...SEED_PEERS, ...peers.filter((p) => !SEED_PEERS.includes(p as never)).slice(0, 2)] : peers.slice(0, 4);
    startDaemon(state, nowMs - 45 * MIN);
    connect(state, provisionOf(plan, oldIp, true, earlyPeers), nowMs - 40 * MIN);
    disconnectLeavingSessions(state, nowMs - 20 * MIN);
    connect(state, provisionOf(plan, plan.publicIp, false, [...peers]), nowMs - 20 * MIN + 30_000);
    return state;
  }
  startDaemon(state, bootAt - MIN);
  connect(state, provisionOf(plan, plan.dzIp, plan.allocated, [...peers]), bootAt);
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
      disconnectLeavingSessions(state, incidentAt);
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
