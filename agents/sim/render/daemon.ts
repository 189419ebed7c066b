import { deriveRoutes } from '../routes';
import type { LivenessSession, SimNodeState } from '../state';

// The daemon's local HTTP API (`GET /routes`, Go's json.Encoder: compact, newline-terminated) and
// its Prometheus text exposition.

export const NETWORK_MONIKER = 'mainnet-beta';

const STATE_NAMES: Record<LivenessSession['state'], string> = { Up: 'up', Down: 'down', Init: 'init', AdminDown: 'admin_down' };

interface RouteEntry {
  network: string;
  local_ip: string;
  peer_ip: string;
  kernel_state?: string;
  liveness_last_updated?: string;
  liveness_state?: string;
  liveness_state_reason?: string;
  liveness_expected_kernel_state?: string;
  liveness_peer_mode?: string;
  peer_client_version?: string;
}

export function renderDaemonRoutes(state: SimNodeState): string {
  const kernel = deriveRoutes(state).filter((r) => r.protocol === 'bgp');
  const present = new Set(kernel.map((r) => `${r.prefsrc}|${r.dst}`));
  const entries: RouteEntry[] = state.daemon.sessions.map((s) => {
    const e: RouteEntry = {
      network: NETWORK_MONIKER,
      local_ip: s.localIp,
      peer_ip: s.peerIp,
      kernel_state: present.has(`${s.localIp}|${s.peerIp}`) ? 'present' : 'absent',
      liveness_last_updated: new Date(Math.floor(s.lastUpdatedMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      liveness_state: STATE_NAMES[s.state],
    };
    if (s.state === 'Down') e.liveness_state_reason = s.downReason ?? 'timeout';
    // Passive mode (the default): the daemon installs routes at registration, so it expects them present.
    e.liveness_expected_kernel_state = 'present';
    e.liveness_peer_mode = s.peerMode;
    e.peer_client_version = s.peerClientVersion;
    return e;
  });
  const withSession = new Set(state.daemon.sessions.map((s) => `${s.localIp}|${s.peerIp}`));
  for (const r of kernel) {
    if (!withSession.has(`${r.prefsrc}|${r.dst}`)) entries.push({ network: NETWORK_MONIKER, local_ip: r.prefsrc ?? '', peer_ip: r.dst, kernel_state: 'present' });
  }
  entries.sort((a, b) => cmp(a.local_ip, b.local_ip) || cmp(a.peer_ip, b.peer_ip));
  return JSON.stringify(entries) + '\n';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `GET /status` and `doublezero status --json`: the session of each provisioned service. */
export function renderDaemonStatus(state: SimNodeState, nowMs: number): string {
  const { daemon } = state;
  if (!daemon.provision) return '[]\n';
  return (
    JSON.stringify([
      {
        doublezero_status: { session_status: daemon.connected ? 'up' : 'disconnected', last_session_update: Math.floor(nowMs / 1000) },
        tunnel_name: daemon.connected ? 'doublezero0' : null,
        tunnel_src: daemon.provision.tunnelLocal,
        tunnel_dst: daemon.provision.tunnelRemote,
        doublezero_ip: daemon.provision.dzIp,
        user_type: daemon.provision.allocated ? 'IBRLWithAllocatedIP' : 'IBRL',
      },
    ]) + '\n'
  );
}

export function renderMetrics(state: SimNodeState, nowMs: number): string {
  const { daemon } = state;
  const uptimeS = Math.max(0, Math.floor((nowMs - daemon.startedAtMs) / 1000));
  const lines: string[] = [];
  const byLocal = new Map<string, LivenessSession[]>();
  for (const s of daemon.sessions) byLocal.set(`${s.iface}|${s.localIp}`, [...(byLocal.get(`${s.iface}|${s.localIp}`) ?? []), s]);
  const labels = (key: string) => {
    const [iface, local] = key.split('|');
    return `iface="${iface}",local_ip="${local}"`;
  };
  lines.push('# HELP doublezero_liveness_sessions Number of liveness sessions by state.', '# TYPE doublezero_liveness_sessions gauge');
  for (const [key, ss] of byLocal) {
    for (const st of ['AdminDown', 'Down', 'Init', 'Up'] as const) {
      lines.push(`doublezero_liveness_sessions{${labels(key)},state="${STATE_NAMES[st]}"} ${ss.filter((s) => s.state === st).length}`);
    }
  }
  lines.push('# HELP doublezero_liveness_session_transitions_total Liveness session state transitions.', '# TYPE doublezero_liveness_session_transitions_total counter');
  for (const [key, ss] of byLocal) {
    lines.push(`doublezero_liveness_session_transitions_total{${labels(key)},from="down",to="up"} ${ss.length}`);
    lines.push(`doublezero_liveness_session_transitions_total{${labels(key)},from="up",to="down"} ${ss.filter((s) => s.state !== 'Up').length}`);
  }
  // One 40-byte control packet per second per session; failed sends are not counted as sent.
  lines.push('# HELP doublezero_liveness_control_packets_tx_total Liveness control packets sent.', '# TYPE doublezero_liveness_control_packets_tx_total counter');
  for (const [key, ss] of byLocal) lines.push(`doublezero_liveness_control_packets_tx_total{${labels(key)}} ${uptimeS * ss.filter((s) => s.state === 'Up').length}`);
  lines.push('# HELP doublezero_liveness_control_packets_rx_total Liveness control packets received.', '# TYPE doublezero_liveness_control_packets_rx_total counter');
  for (const [key, ss] of byLocal) lines.push(`doublezero_liveness_control_packets_rx_total{${labels(key)}} ${uptimeS * ss.filter((s) => s.state !== 'Down').length}`);
  lines.push('# HELP doublezero_liveness_route_install_failures_total Route installs that failed.', '# TYPE doublezero_liveness_route_install_failures_total counter');
  for (const key of byLocal.keys()) lines.push(`doublezero_liveness_route_install_failures_total{${labels(key)}} 0`);
  return lines.join('\n') + '\n';
}
