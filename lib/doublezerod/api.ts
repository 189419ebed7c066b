// The daemon's local HTTP API on its unix socket, as curl prints the bodies. Go's json.Encoder writes compact
// JSON plus "\n"; a path the version does not serve gets net/http's NotFound body (runtime/run.go registers
// `GET /routes` since v0.8.0 and `GET /v2/status` since v0.10.0).
import { rfc3339, type GoInstant } from './go-format';
import type { BfdState, DownReason } from './records';
import { daemonBehaviour, type ClientVersion } from './version';
import type { DaemonRouteRecord } from '../parse/daemon-routes';

export const NOT_FOUND_BODY = '404 page not found\n';

/** A provisioned service as the daemon holds it (api.ProvisionRequest): what `/routes` filters on. */
export interface ProvisionedService {
  userType: UserType;
  tunnelName: 'doublezero0' | 'doublezero1';
  /** the node's public IP (tunnel source) */
  tunnelSrc: string;
  tunnelDst: string;
  /** the DZ IP: the allocated IP with `-a`, else the public IP */
  doubleZeroIp: string;
  /** the overlay /31's lower address: the BGP next hop (TunnelNet.IP) */
  overlayPeer: string;
  bgpStatus: BgpSessionStatus;
  /** unix seconds of the last BGP status change */
  lastSessionUpdate: number;
}

/** api.UserType's JSON strings (internal/api/requests.go UserType.String / MarshalJSON). */
export type UserType = 'Unknown' | 'IBRL' | 'IBRLWithAllocatedIP' | 'EdgeFiltering' | 'Multicast';

/** bgp.SessionStatus strings (internal/bgp/bgp.go). */
export type BgpSessionStatus =
  'Pending BGP Session' | 'Initializing BGP Session' | 'BGP Session Down' | 'BGP Session Up' | 'BGP Session Failed' | 'Network Unreachable';

export interface ApiSession {
  iface: string;
  localIp: string;
  peerIp: string;
  /** the overlay next hop of the session's route */
  nextHop: string;
  state: BfdState;
  downReason: DownReason;
  lastUpdated: GoInstant;
  /** v0.8.1+ */
  expectedKernelState?: 'unknown' | 'absent' | 'present';
  peerMode?: 'unknown' | 'active' | 'passive';
  peerClientVersion?: string;
}

export interface KernelBgpRoute {
  peerIp: string;
  src: string;
  nextHop: string;
}

export interface RoutesInput {
  /** `-env` moniker: mainnet-beta, testnet, devnet, localnet */
  network: string;
  services: readonly ProvisionedService[];
  /** routes with proto bgp in the kernel */
  kernelRoutes: readonly KernelBgpRoute[];
  /** null: liveness is off (no manager) */
  sessions: readonly ApiSession[] | null;
}

/**
 * `GET /routes` (internal/api/routes.go). Only routes and sessions whose source is a provisioned service's
 * current address and whose next hop is its overlay peer are listed: a stale session of a vanished DZ IP never
 * appears. v0.8.0 matches the source on the tunnel source (the public IP), so with `-a` it lists nothing;
 * v0.8.1+ matches the DZ IP. v0.8.0 also writes `user_type` and always `kernel_state`.
 */
export function routesBody(version: ClientVersion, input: RoutesInput): string {
  const b = daemonBehaviour(version);
  if (!b.routesApi) return NOT_FOUND_BODY;
  const v080 = b.range !== '0.8.1+';
  const svcFor = (src: string, nextHop: string) => input.services.find((s) => (v080 ? s.tunnelSrc : s.doubleZeroIp) === src && s.overlayPeer === nextHop);

  type Row = DaemonRouteRecord;
  const kernel = new Map<string, Row>();
  for (const r of input.kernelRoutes) {
    const svc = svcFor(r.src, r.nextHop);
    if (!svc) continue;
    const row: Row = v080
      ? { network: input.network, user_type: svc.userType, local_ip: r.src, peer_ip: r.peerIp, kernel_state: 'present' }
      : { network: input.network, local_ip: r.src, peer_ip: r.peerIp, kernel_state: 'present' };
    kernel.set(`${r.src}|${r.peerIp}|${r.nextHop}`, row);
  }
  const live = new Map<string, Row>();
  for (const s of input.sessions ?? []) {
    const svc = svcFor(s.localIp, s.nextHop);
    if (!svc) continue;
    const key = `${s.localIp}|${s.peerIp}|${s.nextHop}`;
    const kernelState = kernel.has(key) ? 'present' : 'absent';
    const reason = s.state === 'down' ? s.downReason : '';
    const row: Row = v080
      ? { network: input.network, user_type: svc.userType, local_ip: s.localIp, peer_ip: s.peerIp, kernel_state: kernelState }
      : { network: input.network, local_ip: s.localIp, peer_ip: s.peerIp, kernel_state: kernelState };
    row.liveness_last_updated = rfc3339(s.lastUpdated);
    row.liveness_state = s.state;
    if (reason) row.liveness_state_reason = reason;
    if (!v080) {
      row.liveness_expected_kernel_state = s.expectedKernelState ?? 'unknown';
      row.liveness_peer_mode = s.peerMode ?? 'unknown';
      row.peer_client_version = s.peerClientVersion ?? '0.0.0';
    }
    live.set(key, row);
  }
  const rows = [...live.values(), ...[...kernel.entries()].filter(([k]) => !live.has(k)).map(([, r]) => r)];
  const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  rows.sort(
    (a, b) =>
      cmp(a.network, b.network) ||
      cmp(a.local_ip, b.local_ip) ||
      cmp(a.peer_ip, b.peer_ip) ||
      cmp(a.kernel_state, b.kernel_state) ||
      cmp(a.liveness_state, b.liveness_state),
  );
  return `${JSON.stringify(rows)}\n`;
}

/** One api.StatusResponse (internal/api/requests.go) as encoding/json writes it. */
function statusResponse(s: ProvisionedService) {
  return {
    tunnel_name: s.tunnelName,
    tunnel_src: s.tunnelSrc,
    tunnel_dst: s.tunnelDst,
    doublezero_ip: s.doubleZeroIp,
    doublezero_status: { session_status: s.bgpStatus, last_session_update: s.lastSessionUpdate },
    user_type: s.userType,
  };
}

/**
 * `GET /status` (every version; internal/manager/http.go ServeStatus → NetlinkManager.Status): a JSON array,
 * the unicast service first, then the multicast one; `[]` when nothing is provisioned.
 */
export function statusBody(services: readonly ProvisionedService[]): string {
  const ordered = [...services.filter((s) => s.userType !== 'Multicast'), ...services.filter((s) => s.userType === 'Multicast')];
  return `${JSON.stringify(ordered.map(statusResponse))}\n`;
}

export interface V2StatusInput {
  reconcilerEnabled: boolean;
  clientIp: string;
  network: string;
  services: readonly (ProvisionedService & {
    currentDevice?: string;
    lowestLatencyDevice?: string;
    metro?: string;
    tenant?: string;
    multicastGroups?: { publisher: string[]; subscriber: string[] };
  })[];
}

/**
 * `GET /v2/status` (internal/manager/http.go ServeV2Status: V2StatusResponse; each service is the embedded
 * api.StatusResponse, tunnel_name … user_type, then the enriched fields). 404 before v0.10.0.
 */
export function v2StatusBody(version: ClientVersion, input: V2StatusInput): string {
  if (!daemonBehaviour(version).v2StatusApi) return NOT_FOUND_BODY;
  const body = {
    reconciler_enabled: input.reconcilerEnabled,
    client_ip: input.clientIp,
    network: input.network,
    services: input.services.map((s) => ({
      ...statusResponse(s),
      current_device: s.currentDevice ?? '',
      lowest_latency_device: s.lowestLatencyDevice ?? '',
      metro: s.metro ?? '',
      tenant: s.tenant ?? '',
      // enrichStatuses starts every service with empty (not nil) slices.
      multicast_groups: { publisher: s.multicastGroups?.publisher ?? [], subscriber: s.multicastGroups?.subscriber ?? [] },
      subscriptions: [],
    })),
  };
  return `${JSON.stringify(body)}\n`;
}
