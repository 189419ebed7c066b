// The JSON lines doublezerod writes to stdout (Go slog JSONHandler, cmd/doublezerod/main.go), one builder per
// record we model, each with the attrs of the version that writes it (internal/liveness/*.go at the tag cited).
import { goDuration, goJsonString, goTimeString, rfc3339Nano, type GoInstant } from './go-format';
import { daemonBehaviour, loggedAtDefaultLevel, type ClientVersion, type SlogLevel } from './version';

export type AttrValue = string | number | boolean;
export type Attr = readonly [key: string, value: AttrValue];

export const LIVENESS_PORT = 44880;
export const UNICAST_TUNNEL = 'doublezero0';
export const MULTICAST_TUNNEL = 'doublezero1';

/**
 * One slog JSONHandler line: `{"time":…,"level":…,"msg":…,<attrs in call order>}` with no spaces
 * (log/slog/json_handler.go). Numbers as Go prints integers; strings escaped as slog escapes them.
 */
export function slogJsonLine(at: GoInstant, level: SlogLevel, msg: string, attrs: readonly Attr[] = []): string {
  const fields = [`"time":${goJsonString(rfc3339Nano(at))}`, `"level":"${level}"`, `"msg":${goJsonString(msg)}`];
  for (const [key, value] of attrs) {
    const encoded = typeof value === 'string' ? goJsonString(value) : typeof value === 'boolean' ? String(value) : String(Math.trunc(value));
    fields.push(`${goJsonString(key)}:${encoded}`);
  }
  return `{${fields.join(',')}}`;
}

/** A record as the daemon would emit it, or not at all when its level is below the daemon's (INFO by default). */
export interface DaemonRecord {
  at: GoInstant;
  level: SlogLevel;
  msg: string;
  /** the JSON line exactly as written to stdout */
  line: string;
}

function record(at: GoInstant, level: SlogLevel, msg: string, attrs: readonly Attr[]): DaemonRecord {
  return { at, level, msg, line: slogJsonLine(at, level, msg, attrs) };
}

/** Whether the daemon writes this record at its default level (no `-v`, no `-route-liveness-debug`). */
export function isWrittenByDefault(rec: DaemonRecord): boolean {
  return loggedAtDefaultLevel(rec.level);
}

export interface SessionPeer {
  iface: string;
  localIp: string;
  peerIp: string;
}

/** Peer.String() (internal/liveness/manager.go): `interface: doublezero0, localIP: A, peerIP: B`. */
export function peerString(p: SessionPeer): string {
  return `interface: ${p.iface}, localIP: ${p.localIp}, peerIP: ${p.peerIp}`;
}

/**
 * routing.Route.String() (internal/routing/routes.go) for the daemon's BGP /32: table 254 (main), proto bgp.
 * Note the missing comma before `protocol`: upstream's format string has none.
 */
export function routeString(r: { peerIp: string; localIp: string; nextHop: string; table?: number; protocol?: string }): string {
  return `table: ${r.table ?? 254}, dst: ${r.peerIp}/32, src: ${r.localIp}, nh: ${r.nextHop} protocol: ${r.protocol ?? 'bgp'}`;
}

// ---- the send warning (internal/liveness/scheduler.go) ----

/**
 * `liveness.scheduler: error writing UDP packet`: `error` always; `peer` since v0.7.1 (before, the peer is only
 * in the error text and the local IP is not logged at all).
 */
export function sendWarning(version: ClientVersion, at: GoInstant, peer: SessionPeer, error: string): DaemonRecord {
  const attrs: Attr[] = [['error', error]];
  if (daemonBehaviour(version).sendWarningHasPeer) attrs.push(['peer', peerString(peer)]);
  return record(at, 'WARN', 'liveness.scheduler: error writing UDP packet', attrs);
}

// ---- manager.go records ----

/** BFD states as ControlPacket.State holds them (internal/liveness/packet.go: AdminDown=0, Down=1, Init=2, Up=3). */
export const BFD_STATE_NUMBER = { admin_down: 0, down: 1, init: 2, up: 3 } as const;
export type BfdState = keyof typeof BFD_STATE_NUMBER;

export interface UnknownPeerPacket {
  peer: SessionPeer;
  peerDiscr: number;
  localDiscr: number;
  /** the sender's state; slog writes the State type as its number (no MarshalJSON, not a slog kind) */
  state: BfdState;
}

/**
 * `liveness: received control packet for unknown peer`: WARN up to v0.8.0, DEBUG since v0.8.1 (so not written at
 * the default level). Throttled to one per 5 s for the daemon (unknownPeerErrWarnEvery).
 */
export function unknownPeerPacket(version: ClientVersion, at: GoInstant, pkt: UnknownPeerPacket): DaemonRecord {
  return record(at, daemonBehaviour(version).unknownPeerLevel, 'liveness: received control packet for unknown peer', [
    ['peer', peerString(pkt.peer)],
    ['peerDiscr', pkt.peerDiscr],
    ['localDiscr', pkt.localDiscr],
    ['state', BFD_STATE_NUMBER[pkt.state]],
  ]);
}

/** Why a `session up` did not touch the kernel (v0.8.1+ suffixes, in upstream's switch order). */
export type SessionUpNoOp = 'global-passive' | 'already-installed' | 'not-desired';

export const SESSION_UP_SUFFIX: Record<SessionUpNoOp, string> = {
  'global-passive': ' (global passive; no-op)',
  'already-installed': ' (already installed; no-op)',
  'not-desired': ' (not desired; no-op)',
};

export interface SessionUpEvent {
  peer: SessionPeer;
  /** the overlay next hop of the route (`nh:`) */
  nextHop: string;
  /** convergence, ns */
  convergenceNanos: number;
  upSince: GoInstant;
  /** v0.8.1+: null when the route was installed (no suffix) */
  noOp: SessionUpNoOp | null;
  peerAdvertisedMode: 'unknown' | 'active' | 'passive';
  /** ClientVersion.String() of the peer, e.g. `0.8.3` or `0.0.0` when it sent none */
  peerClientVersion: string;
}

/**
 * `liveness: session up` (internal/liveness/manager.go onSessionUp). v0.7.0: peer, route, convergence (INFO).
 * v0.7.1: + upSince (INFO in v0.7.1, DEBUG in v0.7.2 … v0.8.0). v0.8.1+: INFO, the no-op suffix on the message,
 * + peerAdvertisedMode, peerClientVersion.
 */
export function sessionUp(version: ClientVersion, at: GoInstant, ev: SessionUpEvent): DaemonRecord {
  const b = daemonBehaviour(version);
  const attrs: Attr[] = [
    ['peer', peerString(ev.peer)],
    ['route', routeString({ ...ev.peer, nextHop: ev.nextHop })],
    ['convergence', goDuration(ev.convergenceNanos)],
  ];
  if (b.recordShape !== 'v0.7.0') attrs.push(['upSince', goTimeString(ev.upSince)]);
  if (b.recordShape === 'v0.8.1') {
    attrs.push(['peerAdvertisedMode', ev.peerAdvertisedMode], ['peerClientVersion', ev.peerClientVersion]);
  }
  const suffix = b.sessionUpSuffix && ev.noOp ? SESSION_UP_SUFFIX[ev.noOp] : '';
  return record(at, b.sessionUpLevel, `liveness: session up${suffix}`, attrs);
}

export type DownReason = 'none' | 'timeout' | 'remote_admin' | 'local_admin' | 'remote_down';

export interface SessionDownEvent {
  peer: SessionPeer;
  nextHop: string;
  convergenceNanos: number;
  downSince: GoInstant;
  downReason: DownReason;
  peerClientVersion: string;
}

/**
 * `liveness: session down` (INFO). v0.7.0: peer, route, convergence. v0.7.1: + downSince, downReason.
 * v0.8.1+: + peerClientVersion. In global passive mode v0.8.1+ keeps the route and logs
 * `liveness: session down (global passive; keeping route)` instead (peer, route, downSince, downReason,
 * peerClientVersion; INFO up to v0.11.x, DEBUG since v0.12.0). Up to v0.8.0 passive mode logs the plain record.
 */
export function sessionDown(version: ClientVersion, at: GoInstant, ev: SessionDownEvent, opts: { globalPassive?: boolean } = {}): DaemonRecord {
  const b = daemonBehaviour(version);
  if (opts.globalPassive && b.recordShape === 'v0.8.1') {
    return record(at, b.passiveSessionDownLevel, 'liveness: session down (global passive; keeping route)', [
      ['peer', peerString(ev.peer)],
      ['route', routeString({ ...ev.peer, nextHop: ev.nextHop })],
      ['downSince', goTimeString(ev.downSince)],
      ['downReason', ev.downReason],
      ['peerClientVersion', ev.peerClientVersion],
    ]);
  }
  const attrs: Attr[] = [
    ['peer', peerString(ev.peer)],
    ['route', routeString({ ...ev.peer, nextHop: ev.nextHop })],
    ['convergence', goDuration(ev.convergenceNanos)],
  ];
  if (b.recordShape !== 'v0.7.0') attrs.push(['downSince', goTimeString(ev.downSince)], ['downReason', ev.downReason]);
  if (b.recordShape === 'v0.8.1') attrs.push(['peerClientVersion', ev.peerClientVersion]);
  return record(at, 'INFO', 'liveness: session down', attrs);
}

/** `liveness: withdrawing route` (INFO, every version): route, iface. */
export function withdrawingRoute(at: GoInstant, route: { peer: SessionPeer; nextHop: string }): DaemonRecord {
  return record(at, 'INFO', 'liveness: withdrawing route', [
    ['route', routeString({ ...route.peer, nextHop: route.nextHop })],
    ['iface', route.peer.iface],
  ]);
}

/** `liveness: error adding route on session up` (ERROR, every version): error, route. */
export function errorAddingRoute(at: GoInstant, route: { peer: SessionPeer; nextHop: string }, error: string): DaemonRecord {
  return record(at, 'ERROR', 'liveness: error adding route on session up', [
    ['error', error],
    ['route', routeString({ ...route.peer, nextHop: route.nextHop })],
  ]);
}

export interface ManagerStartConfig {
  passiveMode: boolean;
  peerMetrics?: boolean;
  /** bind address, `0.0.0.0:44880` unless flags change it */
  localAddr?: string;
}

function msDuration(ms: number): string {
  return goDuration(ms * 1_000_000);
}

/**
 * `liveness: manager starting` (INFO), once per daemon start with liveness on. Attrs by version:
 * localAddr, txMin, rxMin, detectMult, passiveMode, peerMetrics; + honorPeerAdvertisedPassive (v0.8.1+);
 * + minTxFloor, maxTxCeil, backoffMax before passiveMode (v0.32.0+).
 */
export function managerStarting(version: ClientVersion, at: GoInstant, cfg: ManagerStartConfig): DaemonRecord {
  const b = daemonBehaviour(version);
  const attrs: Attr[] = [
    ['localAddr', cfg.localAddr ?? `0.0.0.0:${LIVENESS_PORT}`],
    ['txMin', msDuration(b.txMinMs)],
    ['rxMin', msDuration(b.txMinMs)],
    ['detectMult', 3],
  ];
  if (b.managerStartShape === 'v0.32.0') {
    attrs.push(['minTxFloor', msDuration(50)], ['maxTxCeil', msDuration(b.maxTxCeilMs)], ['backoffMax', msDuration(b.backoffMaxMs)]);
  }
  attrs.push(['passiveMode', cfg.passiveMode], ['peerMetrics', cfg.peerMetrics ?? false]);
  if (b.managerStartShape !== 'v0.7.0') attrs.push(['honorPeerAdvertisedPassive', true]);
  return record(at, 'INFO', 'liveness: manager starting', attrs);
}

/** `prometheus metrics server started` (slog default logger, INFO, cmd/doublezerod/main.go): address = the bound listener. */
export function metricsServerStarted(at: GoInstant, address: string): DaemonRecord {
  return record(at, 'INFO', 'prometheus metrics server started', [['address', address]]);
}
