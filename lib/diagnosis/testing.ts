// Test helper: node states built field by field, for unit tests that need one fact changed at a time
// (the bundle-based tests in diagnose.test.ts read the real captures instead). Not product code.
import type { AddressState, LinkState, NodeState, RouteState, RuleState } from '../model/node-state';
import { SEND_FAILURE_MSG, type LivenessEvent } from '../parse/journal';
import { parsePrefix } from '../route/ip';

export const COLLECTED_AT = '2025-11-30T19:40:00.000Z';
export const PEER = '216.238.110.55';
export const LOCAL_IP = '209.245.225.161';
export const SEND_ERROR = 'sendmsg: network is unreachable';

/** ISO time `seconds` before the collection. */
export const before = (seconds: number): string => new Date(Date.parse(COLLECTED_AT) - seconds * 1000).toISOString();

export function link(ifname: string, over: Partial<LinkState> = {}): LinkState {
  return { ifname, up: true, lowerUp: true, operstate: 'UNKNOWN', flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'], ...over };
}

export function address(ifname: string, local: string, prefixlen = 32, over: Partial<AddressState> = {}): AddressState {
  return { ifname, family: local.includes(':') ? 'inet6' : 'inet', local, prefixlen, tentative: false, dadfailed: false, ...over };
}

/** A daemon-installed BGP host route to `peer` through the tunnel, with the DZ IP as source. */
export function bgpRoute(peer: string, over: Partial<RouteState> = {}): RouteState {
  const dst = parsePrefix(peer)!;
  return {
    table: 'main',
    type: 'unicast',
    dst,
    protocol: 'bgp',
    scope: 'universe',
    metric: 0,
    prefsrc: LOCAL_IP,
    gateway: '169.254.0.2',
    dev: 'doublezero0',
    nexthops: [],
    text: `${peer} via 169.254.0.2 dev doublezero0 proto bgp src ${LOCAL_IP}`,
    ...over,
  };
}

export function defaultRoute(over: Partial<RouteState> = {}): RouteState {
  return {
    table: 'main',
    type: 'unicast',
    dst: parsePrefix('default', 'inet')!,
    scope: 'universe',
    metric: 0,
    gateway: '169.254.0.2',
    dev: 'doublezero0',
    nexthops: [],
    text: 'default via 169.254.0.2 dev doublezero0',
    ...over,
  };
}

export const mainRule: RuleState = { priority: 32766, not: false, action: 'lookup', table: 'main', otherSelectors: [], text: '32766: from all lookup main' };

/** A healthy node: doublezero0 up with the DZ IP, a default route through it, no firewall read, journal read. */
export function nodeState(over: Partial<NodeState> = {}): NodeState {
  return {
    node: 'dfw-mn-bm1',
    collectedAt: COLLECTED_AT,
    links: [link('lo', { flags: ['LOOPBACK', 'UP', 'LOWER_UP'] }), link('doublezero0')],
    addresses: [address('doublezero0', '169.254.0.3', 31), address('doublezero0', LOCAL_IP)],
    routes: [defaultRoute()],
    rules: [],
    firewall: null,
    daemon: { unitState: 'active', sessions: null, version: null, unit: null, status: null },
    events: [],
    metrics: [],
    sections: { 'ip-link': 'ok', 'ip-addr': 'ok', 'ip-route': 'ok', 'ip-rule': 'ok', journal: 'ok' },
    issues: [],
    ...over,
  };
}

let keys = 0;

/** A liveness log line naming a session, as the journal parser gives it. */
export function livenessEvent(msg: string, at: string, over: Partial<LivenessEvent> = {}): LivenessEvent {
  return { at, level: 'INFO', msg, interface: 'doublezero0', localIP: LOCAL_IP, peerIP: PEER, dedupeKey: `k${keys++}`, raw: '', fields: {}, ...over };
}

/** doublezerod's send warning (internal/liveness/scheduler.go). */
export function sendWarning(at: string, over: Partial<LivenessEvent> = {}): LivenessEvent {
  return livenessEvent(SEND_FAILURE_MSG, at, { level: 'WARN', error: `write udp 0.0.0.0:44880->${over.peerIP ?? PEER}:44880: ${SEND_ERROR}`, ...over });
}

/** One warning every 5 s from `fromSeconds` to `toSeconds` before the collection, naming the peers in turn. */
export function throttledWarnings(peers: readonly string[], fromSeconds: number, toSeconds: number, over: Partial<LivenessEvent> = {}): LivenessEvent[] {
  const out: LivenessEvent[] = [];
  for (let s = fromSeconds, i = 0; s >= toSeconds; s -= 5, i++) out.push(sendWarning(before(s), { ...over, peerIP: peers[i % peers.length]! }));
  return out;
}
