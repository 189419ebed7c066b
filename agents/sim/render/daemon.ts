import {
  instant,
  metricsExposition,
  routesBody,
  statusBody,
  v2StatusBody,
  versionOutput,
  writeErrorCounts,
  type ApiSession,
  type BfdState,
  type ProvisionedService,
} from '../../../lib/doublezerod';
import { livenessEnabled, nodeVersion } from '../daemon-model';
import { deriveRoutes } from '../routes';
import { MULTICAST_IFACE, TUNNEL_IFACE, type LivenessSession, type SimNodeState } from '../state';

// The daemon's local HTTP API and its Prometheus exposition, as the node's daemon version writes them
// (lib/doublezerod: internal/api/routes.go, internal/manager/http.go, internal/liveness/metrics.go).

export const NETWORK_MONIKER = 'mainnet-beta';

const STATE_NAMES: Record<LivenessSession['state'], BfdState> = { Up: 'up', Down: 'down', Init: 'init', AdminDown: 'admin_down' };

/** The services the daemon has provisioned, with their BGP session's state. */
function services(state: SimNodeState): ProvisionedService[] {
  const { daemon } = state;
  const out: ProvisionedService[] = [];
  const lastUpdate = Math.floor(daemon.startedAtMs / 1000);
  if (daemon.provision) {
    const p = daemon.provision;
    const up = state.links.find((l) => l.name === TUNNEL_IFACE)?.up ?? false;
    out.push({
      userType: p.allocated ? 'IBRLWithAllocatedIP' : 'IBRL',
      tunnelName: TUNNEL_IFACE,
      tunnelSrc: p.tunnelLocal,
      tunnelDst: p.tunnelRemote,
      doubleZeroIp: p.dzIp,
      overlayPeer: p.overlayPeer,
      bgpStatus: daemon.connected && up ? 'BGP Session Up' : 'BGP Session Down',
      lastSessionUpdate: lastUpdate,
    });
  }
  if (daemon.multicast) {
    const m = daemon.multicast;
    const up = state.links.find((l) => l.name === MULTICAST_IFACE)?.up ?? false;
    out.push({
      userType: 'Multicast',
      tunnelName: MULTICAST_IFACE,
      tunnelSrc: m.tunnelLocal,
      tunnelDst: m.tunnelRemote,
      doubleZeroIp: m.tunnelLocal,
      overlayPeer: m.overlayPeer,
      bgpStatus: daemon.multicastConnected && up ? 'BGP Session Up' : 'BGP Session Down',
      lastSessionUpdate: lastUpdate,
    });
  }
  return out;
}

/** `GET /routes` (v0.8.0+): only the routes and sessions of the services' current addresses. */
export function renderDaemonRoutes(state: SimNodeState): string {
  const kernelRoutes = deriveRoutes(state)
    .filter((r) => r.protocol === 'bgp' && r.gateway && r.prefsrc)
    .map((r) => ({ peerIp: r.dst, src: r.prefsrc!, nextHop: r.gateway! }));
  const nextHop = state.dzNetwork.overlayPeer;
  const sessions: ApiSession[] | null = livenessEnabled(state)
    ? state.daemon.sessions.map((s) => ({
        iface: s.iface,
        localIp: s.localIp,
        peerIp: s.peerIp,
        nextHop,
        state: STATE_NAMES[s.state],
        downReason: s.downReason ?? 'none',
        lastUpdated: instant(s.lastUpdatedMs),
        // Passive mode installs the route at registration: the daemon expects it present.
        expectedKernelState: 'present',
        peerMode: s.peerMode,
        peerClientVersion: s.peerClientVersion,
      }))
    : null;
  return routesBody(nodeVersion(state), { network: NETWORK_MONIKER, services: services(state), kernelRoutes, sessions });
}

/** `GET /status` (every version) and `doublezero status --json`. */
export function renderDaemonStatus(state: SimNodeState): string {
  return statusBody(services(state));
}

/** `GET /v2/status` (v0.10.0+, 404 before). */
export function renderDaemonV2Status(state: SimNodeState): string {
  return v2StatusBody(nodeVersion(state), { reconcilerEnabled: true, clientIp: state.publicIp, network: NETWORK_MONIKER, services: services(state) });
}

export function renderVersion(state: SimNodeState): string {
  return versionOutput({ version: state.version, commit: state.buildCommit, date: state.buildDate });
}

/** The exposition at `nowMs`: session counts by local IP and state, and the send errors since the daemon started. */
export function renderMetrics(state: SimNodeState, nowMs: number): string {
  const { daemon } = state;
  const counts = new Map<string, { iface: string; localIp: string; state: BfdState; count: number }>();
  for (const s of daemon.sessions) {
    const key = `${s.iface}|${s.localIp}|${s.state}`;
    const e = counts.get(key) ?? { iface: s.iface, localIp: s.localIp, state: STATE_NAMES[s.state], count: 0 };
    e.count++;
    counts.set(key, e);
  }
  const failing = state.history.spans
    .filter((sp) => sp.pid === daemon.pid)
    .map((sp) => ({ peer: sp, downSinceMs: sp.fromMs, failures: [{ fromMs: sp.fromMs, toMs: sp.toMs, error: sp.error }] }));
  return metricsExposition({
    build: { version: state.version, commit: state.buildCommit, date: state.buildDate },
    sessions: [...counts.values()],
    writeSocketErrors: writeErrorCounts(nodeVersion(state), failing, daemon.startedAtMs, nowMs, `${state.name}|${daemon.pid}`),
    processStartEpochSeconds: Math.floor(daemon.startedAtMs / 10) / 100,
  });
}
