import { lookupRoute, type KernelRoute } from './routes';
import { findLink, LIVENESS_PORT, type SessionKey, type SimNodeState } from './state';

/**
 * Why a liveness packet for this session cannot leave the node, as the errno text the daemon logs
 * (`sendmsg: <text>`), or null when it would be sent. The checks follow the kernel's order:
 * the output device, the source address, the route, then netfilter's output hook.
 */
export function sendFailure(state: SimNodeState, routes: readonly KernelRoute[], s: SessionKey): string | null {
  const link = findLink(state, s.iface);
  if (!link) return 'no such device';
  if (!link.up) return 'network is unreachable';
  // The kernel accepts any source address the node owns (__ip_dev_find): without `-a` the DZ IP is
  // the public IP on eth0. An address the node no longer has at all (the seed bug) is unreachable.
  if (!state.addresses.some((a) => a.local === s.localIp)) return 'network is unreachable';
  if (!lookupRoute(routes, s.peerIp, s.iface)) return 'network is unreachable';
  const blocked = state.nft?.rules.some((r) => r.daddr === s.peerIp && r.dport === LIVENESS_PORT);
  if (blocked) return 'operation not permitted';
  return null;
}

/** The error string of the daemon's warning record. */
export function sendErrorText(s: SessionKey, errnoText: string): string {
  return `write udp 0.0.0.0:${LIVENESS_PORT}->${s.peerIp}:${LIVENESS_PORT}: sendmsg: ${errnoText}`;
}
