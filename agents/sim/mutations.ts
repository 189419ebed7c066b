import { instant, managerStarting, metricsServerStarted, withdrawingRoute } from '../../lib/doublezerod';
import { livenessEnabled, metricsEnabled, metricsListenAddress, metricsPortAtStart, nodeBehaviour, nodeVersion, passiveMode } from './daemon-model';
import { fnv1a } from './hash';
import { logRecord, nanosFor, reconcile } from './history';
import {
  findLink,
  LIVENESS_PORT,
  MULTICAST_IFACE,
  TUNNEL_IFACE,
  type LivenessSession,
  type MulticastProvision,
  type Provision,
  type SimNodeState,
  type SimRoute,
} from './state';

// Everything that changes a node: what `doublezero connect/disconnect` and the daemon do, and the
// remediation commands an operator may run. Each takes the time it happens at and reconciles the
// journal history, so warnings start and stop exactly when the state changes. What the daemon logs
// and keeps depends on its version (lib/doublezerod).

/** The client version the other DoubleZero clients report in their control packets. */
const PEER_VERSION = '0.8.3';

function newSession(localIp: string, peerIp: string, nowMs: number): LivenessSession {
  // A new session starts Down and comes Up on the first exchange (reconcile logs "session up").
  return { iface: TUNNEL_IFACE, localIp, peerIp, state: 'Down', lastUpdatedMs: nowMs, peerMode: 'passive', peerClientVersion: PEER_VERSION };
}

/** Creates the tunnel, its addresses and the BGP routes of a provision (`doublezero connect ibrl [-a]`). */
function bringUpTunnel(state: SimNodeState, p: Provision): void {
  if (!findLink(state, TUNNEL_IFACE)) {
    state.links.push({ ifindex: state.nextIfindex++, name: TUNNEL_IFACE, kind: 'gre', up: true, mtu: 1476, address: p.tunnelLocal, greRemote: p.tunnelRemote });
  }
  state.addresses.push({ ifname: TUNNEL_IFACE, local: p.overlayLocal, prefixlen: 31 });
  if (p.allocated) state.addresses.push({ ifname: TUNNEL_IFACE, local: p.dzIp, prefixlen: 32 });
  state.installedRoutes = [
    ...state.installedRoutes.filter((r) => r.protocol !== 'bgp'),
    ...p.peers
      .filter((peer) => !p.withheldRoutes.includes(peer))
      .map((peer) => ({ dst: peer, prefixlen: 32, gateway: p.overlayPeer, dev: TUNNEL_IFACE, src: p.dzIp, protocol: 'bgp' as const })),
  ];
  state.daemon.connected = true;
}

function tearDownTunnel(state: SimNodeState): void {
  state.links = state.links.filter((l) => l.name !== TUNNEL_IFACE);
  state.addresses = state.addresses.filter((a) => a.ifname !== TUNNEL_IFACE);
  // Deleting the device takes every route through it with it.
  state.installedRoutes = state.installedRoutes.filter((r) => r.dev !== TUNNEL_IFACE);
  state.daemon.connected = false;
}

function addSessionsFor(state: SimNodeState, p: Provision, nowMs: number): void {
  if (!livenessEnabled(state)) return;
  const have = new Set(state.daemon.sessions.map((s) => `${s.localIp}|${s.peerIp}`));
  for (const peer of p.peers) {
    if (!have.has(`${p.dzIp}|${peer}`)) state.daemon.sessions.push(newSession(p.dzIp, peer, nowMs));
  }
}

function bringUpMulticast(state: SimNodeState, m: MulticastProvision): void {
  if (!findLink(state, MULTICAST_IFACE)) {
    state.links.push({
      ifindex: state.nextIfindex++,
      name: MULTICAST_IFACE,
      kind: 'gre',
      up: true,
      mtu: 1476,
      address: m.tunnelLocal,
      greRemote: m.tunnelRemote,
    });
  }
  if (!state.addresses.some((a) => a.ifname === MULTICAST_IFACE)) state.addresses.push({ ifname: MULTICAST_IFACE, local: m.overlayLocal, prefixlen: 31 });
  // internal/services/multicast.go: one static route per group through the multicast tunnel.
  state.installedRoutes = [
    ...state.installedRoutes.filter((r) => r.dev !== MULTICAST_IFACE),
    ...m.groups.map((g) => ({ dst: g, prefixlen: 32, gateway: m.overlayPeer, dev: MULTICAST_IFACE, protocol: 'static' as const })),
  ];
  state.daemon.multicastConnected = true;
}

function tearDownMulticast(state: SimNodeState): void {
  state.links = state.links.filter((l) => l.name !== MULTICAST_IFACE);
  state.addresses = state.addresses.filter((a) => a.ifname !== MULTICAST_IFACE);
  state.installedRoutes = state.installedRoutes.filter((r) => r.dev !== MULTICAST_IFACE);
  state.daemon.multicastConnected = false;
}

/** A few milliseconds after `nowMs`: the daemon logs its start records while it initialises. */
function startRecordTime(state: SimNodeState, nowMs: number, offsetMs: number, what: string) {
  return instant(nowMs + offsetMs, nanosFor(state, nowMs + offsetMs, what));
}

export function startDaemon(state: SimNodeState, nowMs: number): void {
  const d = state.daemon;
  d.active = true;
  d.pid = 1000 + (fnv1a(`${state.name}|${nowMs}`) % 3_000_000);
  d.startedAtMs = nowMs;
  d.activeEnterMs = nowMs;
  d.exited = null;
  d.sessions = [];
  d.metricsPort = metricsEnabled(state) ? metricsPortAtStart(state, d.pid) : 0;
  // cmd/doublezerod/main.go: the metrics listener starts first, then the liveness manager.
  if (d.metricsPort) logRecord(state, metricsServerStarted(startRecordTime(state, nowMs, 3, 'metrics'), metricsListenAddress(state)));
  if (livenessEnabled(state))
    logRecord(state, managerStarting(nodeVersion(state), startRecordTime(state, nowMs, 5, 'manager'), { passiveMode: passiveMode(state) }));
  // The daemon re-applies its saved provision on start: the tunnel and routes come back and the
  // sessions are rebuilt from the current DZ IP, so sessions of an old address are gone (any version).
  if (d.provision) {
    d.provision.withheldRoutes = [];
    tearDownTunnel(state);
    bringUpTunnel(state, d.provision);
    addSessionsFor(state, d.provision, nowMs);
  }
  if (d.multicast) {
    tearDownMulticast(state);
    bringUpMulticast(state, d.multicast);
  }
  reconcile(state, nowMs);
}

export function stopDaemon(state: SimNodeState, nowMs: number): void {
  const d = state.daemon;
  if (d.active) d.exited = { atMs: nowMs, pid: d.pid };
  d.active = false;
  d.sessions = [];
  d.metricsPort = 0;
  reconcile(state, nowMs);
}

export function restartDaemon(state: SimNodeState, nowMs: number): void {
  stopDaemon(state, nowMs);
  startDaemon(state, nowMs);
}

export function connect(state: SimNodeState, p: Provision, nowMs: number): void {
  state.daemon.provision = p;
  bringUpTunnel(state, p);
  addSessionsFor(state, p, nowMs);
  reconcile(state, nowMs);
}

/**
 * `doublezero disconnect` on a daemon with the seed bug: the tunnel goes away but the liveness
 * sessions are not withdrawn.
 */
export function disconnectLeavingSessions(state: SimNodeState, nowMs: number): void {
  tearDownTunnel(state);
  reconcile(state, nowMs);
}

export function setLinkUp(state: SimNodeState, ifname: string, up: boolean, nowMs: number): boolean {
  const link = findLink(state, ifname);
  if (!link) return false;
  link.up = up;
  reconcile(state, nowMs);
  return true;
}

/** Something (a person, a script) deleted the kernel route to one peer; the session stays. */
export function deleteBgpRoute(state: SimNodeState, peerIp: string, nowMs: number): void {
  state.installedRoutes = state.installedRoutes.filter((r) => !(r.protocol === 'bgp' && r.dst === peerIp));
  if (state.daemon.provision && !state.daemon.provision.withheldRoutes.includes(peerIp)) state.daemon.provision.withheldRoutes.push(peerIp);
  reconcile(state, nowMs);
}

export function addNftDrop(state: SimNodeState, peerIp: string, nowMs: number): void {
  if (!state.nft) return;
  state.nft.rules.push({ handle: state.nft.nextHandle++, daddr: peerIp, dport: LIVENESS_PORT, verdict: 'drop' });
  reconcile(state, nowMs);
}

export function deleteNftRule(state: SimNodeState, handle: number, nowMs: number): boolean {
  if (!state.nft || !state.nft.rules.some((r) => r.handle === handle)) return false;
  state.nft.rules = state.nft.rules.filter((r) => r.handle !== handle);
  reconcile(state, nowMs);
  return true;
}

/** `ip route add` as root (validated by the caller). */
export function addRoute(state: SimNodeState, route: SimRoute, nowMs: number): void {
  state.installedRoutes.push(route);
  reconcile(state, nowMs);
}

/** `ip route del`: false when no such installed route exists. */
export function deleteRoute(state: SimNodeState, dst: string, prefixlen: number, dev: string | undefined, nowMs: number): boolean {
  const match = (r: SimRoute) => r.dst === dst && r.prefixlen === prefixlen && (dev === undefined || r.dev === dev);
  if (!state.installedRoutes.some(match)) return false;
  state.installedRoutes = state.installedRoutes.filter((r) => !match(r));
  reconcile(state, nowMs);
  return true;
}

/**
 * `doublezero disconnect ibrl`: the unicast tunnel goes. Up to v0.8.0 the liveness sessions stay behind (the
 * seed bug, upstream issue 2320); since v0.8.1 (PR 2380) every route is withdrawn with its session.
 */
export function cliDisconnectUnicast(state: SimNodeState, nowMs: number): void {
  const p = state.daemon.provision;
  if (p && nodeBehaviour(state).withdrawsSessionsOnDisconnect) {
    const withdrawn = state.daemon.sessions.filter((s) => s.localIp === p.dzIp && s.iface === TUNNEL_IFACE);
    withdrawn.forEach((s, i) => {
      const at = instant(nowMs + i, nanosFor(state, nowMs + i, `withdraw|${s.peerIp}`));
      logRecord(state, withdrawingRoute(at, { peer: s, nextHop: p.overlayPeer }));
    });
    state.daemon.sessions = state.daemon.sessions.filter((s) => !withdrawn.includes(s));
  }
  tearDownTunnel(state);
  state.daemon.provision = null;
  reconcile(state, nowMs);
}

/** `doublezero disconnect multicast`: the multicast tunnel goes (it has no liveness sessions). */
export function cliDisconnectMulticast(state: SimNodeState, nowMs: number): void {
  tearDownMulticast(state);
  state.daemon.multicast = null;
  reconcile(state, nowMs);
}

/** `doublezero connect multicast subscriber …`: the node's multicast service. */
export function connectMulticast(state: SimNodeState, m: MulticastProvision, nowMs: number): void {
  state.daemon.multicast = m;
  bringUpMulticast(state, m);
  reconcile(state, nowMs);
}

/** A peer starts sending control packets to this node for a session the node does not have. */
export function addUnknownPeer(state: SimNodeState, peerIp: string, nowMs: number): void {
  state.daemon.unknownPeers.push({ peerIp, fromMs: nowMs });
}

/** `doublezero connect ibrl [-a]`. */
export function cliConnect(state: SimNodeState, allocate: boolean, nowMs: number): void {
  const net = state.dzNetwork;
  tearDownTunnel(state);
  connect(
    state,
    {
      dzIp: allocate ? net.allocatableIp : state.publicIp,
      allocated: allocate,
      tunnelLocal: state.publicIp,
      tunnelRemote: net.tunnelRemote,
      overlayLocal: net.overlayLocal,
      overlayPeer: net.overlayPeer,
      peers: [...net.peers],
      withheldRoutes: [],
    },
    nowMs,
  );
}
