// What one liveness send returns. The daemon pins every packet to the session's interface and source address
// (IP_PKTINFO: internal/liveness/udp.go WriteTo sets ControlMessage.IfIndex and .Src), so the kernel's answer is
// not that of an ordinary sendto. Verified on Linux 6.18 in a throwaway network namespace (docs/doublezerod-model.md,
// "Pinned send"), following net/ipv4/route.c ip_route_output_key_hash_rcu:
//   source address not assigned anywhere on the host → ENETUNREACH (checked first: __ip_dev_find(saddr))
//   output device not IFF_UP                         → ENETUNREACH (not ENETDOWN)
//   output device index gone                          → ENODEV "no such device"
//   no route to the peer                              → sent anyway (fib_lookup fails, the oif makes it on-link)
import { LIVENESS_PORT } from './records';
import { daemonBehaviour, type ClientVersion } from './version';

/** What the node looks like from one session's send. */
export interface SendPathState {
  /** the session's interface exists in the kernel now */
  interfacePresent: boolean;
  /** the interface is administratively up (IFF_UP) */
  interfaceUp: boolean;
  /** the session's local IP is assigned to some interface of the node (the kernel does not require the pinned one) */
  localIpAssigned: boolean;
  /** a route to the peer exists through the interface: does not change the result of a pinned send */
  routePresent?: boolean;
  /** an nft/iptables output rule drops or rejects UDP 44880 to the peer */
  firewallDrops?: boolean;
  /**
   * v0.8.5+ only: the ifCache (30 s TTL) still maps the name to the vanished index, so the kernel answers
   * ENODEV instead of the cache's "not found". False (the default) means the cache was refreshed.
   */
  staleInterfaceIndex?: boolean;
}

export type SendOutcome =
  | { ok: true }
  | {
      ok: false;
      /** the `error` attr of the warning record, exactly */
      error: string;
      cause: 'interface-missing' | 'interface-down' | 'source-not-assigned' | 'firewall' | 'stale-ifindex';
    };

/** Go's *net.OpError text for a failed WriteMsgUDP on the daemon's 0.0.0.0:44880 socket. */
export function sendmsgErrorText(peerIp: string, errnoText: string): string {
  return `write udp 0.0.0.0:${LIVENESS_PORT}->${peerIp}:${LIVENESS_PORT}: sendmsg: ${errnoText}`;
}

/**
 * The error of a send on a missing interface, before any packet is built: up to v0.8.4 the daemon calls
 * net.InterfaceByName, whose error is `route ip+net: no such network interface` (Go net/interface.go); since
 * v0.8.5 it asks its ifCache and returns `interface "doublezero0" not found` (internal/liveness/udp.go).
 */
export function interfaceMissingErrorText(version: ClientVersion, iface: string): string {
  return daemonBehaviour(version).interfaceMissingError === 'ifcache'
    ? `interface ${JSON.stringify(iface)} not found`
    : 'route ip+net: no such network interface';
}

export const ERRNO_TEXT = {
  ENETUNREACH: 'network is unreachable',
  ENODEV: 'no such device',
  EPERM: 'operation not permitted',
} as const;

/** The result of one pinned send from `session` on a daemon of `version`, given the node's state. */
export function pinnedSendResult(version: ClientVersion, session: { iface: string; peerIp: string }, node: SendPathState): SendOutcome {
  if (!node.interfacePresent) {
    if (node.staleInterfaceIndex && daemonBehaviour(version).interfaceMissingError === 'ifcache') {
      // The kernel checks the source address before the device: an unassigned source still reads ENETUNREACH.
      return node.localIpAssigned
        ? { ok: false, error: sendmsgErrorText(session.peerIp, ERRNO_TEXT.ENODEV), cause: 'stale-ifindex' }
        : { ok: false, error: sendmsgErrorText(session.peerIp, ERRNO_TEXT.ENETUNREACH), cause: 'source-not-assigned' };
    }
    return { ok: false, error: interfaceMissingErrorText(version, session.iface), cause: 'interface-missing' };
  }
  if (!node.localIpAssigned) {
    return { ok: false, error: sendmsgErrorText(session.peerIp, ERRNO_TEXT.ENETUNREACH), cause: 'source-not-assigned' };
  }
  if (!node.interfaceUp) {
    return { ok: false, error: sendmsgErrorText(session.peerIp, ERRNO_TEXT.ENETUNREACH), cause: 'interface-down' };
  }
  // A missing route is deliberately not checked: with an output interface pinned the kernel sends anyway.
  if (node.firewallDrops) {
    // NF_DROP in the output hook makes ip_local_out return -EPERM (REJECT targets drop too after their ICMP).
    return { ok: false, error: sendmsgErrorText(session.peerIp, ERRNO_TEXT.EPERM), cause: 'firewall' };
  }
  return { ok: true };
}
