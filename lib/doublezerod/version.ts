// Client versions and what each range of them does. Every fact below cites the upstream file (path under
// malbeclabs/doublezero client/doublezerod/) and the tags it was read at; docs/doublezerod-model.md has the table.

export interface ClientVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * Parses `0.8.1`, `v0.8.1`, `client/v0.8.1`, `version: 0.8.1`, `0.8.1-dev`, `0.8.1~git…`, `0.8.1+build`
 * (the suffix handling follows internal/liveness/version.go ParseClientVersion). Null when not a version.
 */
export function parseClientVersion(text: string): ClientVersion | null {
  const m = /^(?:version:\s*)?(?:client\/)?v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:[-~+][0-9A-Za-z.~+-]*)?$/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Negative, zero or positive as a is older than, equal to or newer than b. */
export function compareVersions(a: ClientVersion, b: ClientVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(v: ClientVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

function v(text: string): ClientVersion {
  const parsed = parseClientVersion(text);
  if (!parsed) throw new Error(`bad version literal ${text}`);
  return parsed;
}

/** First version with route liveness at all (internal/liveness/ appears in client/v0.6.11). */
export const LIVENESS_SINCE = v('0.6.11');
/** The send warning carries `peer` (internal/liveness/scheduler.go, client/v0.7.1). */
export const SEND_WARNING_PEER_SINCE = v('0.7.1');
/** `session up` logged at DEBUG (invisible at the default INFO level) in v0.7.2 … v0.8.0 (internal/liveness/manager.go). */
export const SESSION_UP_DEBUG_FROM = v('0.7.2');
/** PR 2380: sessions withdrawn on every disconnect; `session up` INFO again with a suffix; unknown-peer DEBUG. */
export const WITHDRAW_ON_DISCONNECT_SINCE = v('0.8.1');
/** `-route-liveness-enable-passive` defaults to true (cmd/doublezerod/main.go, client/v0.8.3). */
export const PASSIVE_DEFAULT_SINCE = v('0.8.3');
/** The interface index comes from an ifCache and a miss is `interface %q not found` (internal/liveness/udp.go, client/v0.8.5). */
export const IFCACHE_SINCE = v('0.8.5');
/** `GET /routes` exists (runtime/run.go, client/v0.8.0). */
export const ROUTES_API_SINCE = v('0.8.0');
/** `GET /v2/status` exists (runtime/run.go, client/v0.10.0). */
export const V2_STATUS_API_SINCE = v('0.10.0');
/** `-route-liveness-tx-min` default 1 s (was 300 ms) and max tx ceil 3 s (was 1 s): cmd/doublezerod/main.go, client/v0.11.0. */
export const TX_MIN_1S_SINCE = v('0.11.0');
/** `session down (global passive; keeping route)` drops from INFO to DEBUG (internal/liveness/manager.go, client/v0.12.0). */
export const PASSIVE_DOWN_DEBUG_SINCE = v('0.12.0');
/** `liveness: manager starting` also logs minTxFloor, maxTxCeil and backoffMax (internal/liveness/manager.go). */
export const MANAGER_START_TIMING_SINCE = v('0.32.0');

export type VersionRange = 'pre-0.7.1' | '0.7.1-0.8.0' | '0.8.1+';

/** The three ranges issue 11 names: ≤ v0.7.0, v0.7.1 … v0.8.0, ≥ v0.8.1 (passive default is a separate flag, ≥ v0.8.3). */
export function versionRange(ver: ClientVersion): VersionRange {
  if (compareVersions(ver, SEND_WARNING_PEER_SINCE) < 0) return 'pre-0.7.1';
  if (compareVersions(ver, WITHDRAW_ON_DISCONNECT_SINCE) < 0) return '0.7.1-0.8.0';
  return '0.8.1+';
}

export type SlogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What a daemon of one version does, as far as the records, the API and the send loop show it. */
export interface DaemonBehaviour {
  version: ClientVersion;
  range: VersionRange;
  /** `peer` attr on `liveness.scheduler: error writing UDP packet` */
  sendWarningHasPeer: boolean;
  /** level of `liveness: received control packet for unknown peer` (WARN up to v0.8.0, DEBUG since v0.8.1) */
  unknownPeerLevel: SlogLevel;
  /** level of `liveness: session up` (INFO ≤ v0.7.1, DEBUG v0.7.2 … v0.8.0, INFO since v0.8.1) */
  sessionUpLevel: SlogLevel;
  /** the attrs `session up` / `session down` carry, by era */
  recordShape: 'v0.7.0' | 'v0.7.1' | 'v0.8.1';
  /** level of `session down (global passive; keeping route)` (v0.8.1+: INFO, DEBUG since v0.12.0) */
  passiveSessionDownLevel: SlogLevel;
  /** `session up` ends with ` (global passive; no-op)` etc. */
  sessionUpSuffix: boolean;
  /** a disconnect withdraws the liveness sessions (PR 2380); before, they outlive the DZ IP: the seed bug */
  withdrawsSessionsOnDisconnect: boolean;
  /** liveness runs without any flag (passive), since `-route-liveness-enable-passive` defaults to true */
  livenessOnByDefault: boolean;
  /** which text a send on a missing interface gives: Go's net.InterfaceByName error, or the ifCache's */
  interfaceMissingError: 'net.InterfaceByName' | 'ifcache';
  routesApi: boolean;
  v2StatusApi: boolean;
  /** `-route-liveness-tx-min` default, ms */
  txMinMs: number;
  /** cap of the Down-state exponential backoff, ms (BackoffMax: MaxTxCeil up to v0.8.0, 1 min since v0.8.1) */
  backoffMaxMs: number;
  /** `-route-liveness-max-tx-ceil` default, ms */
  maxTxCeilMs: number;
  /** `manager starting` carries `honorPeerAdvertisedPassive` (≥ v0.8.1) and the timing bounds (≥ v0.32.0) */
  managerStartShape: 'v0.7.0' | 'v0.8.1' | 'v0.32.0';
}

export function daemonBehaviour(version: ClientVersion): DaemonBehaviour {
  const atLeast = (since: ClientVersion) => compareVersions(version, since) >= 0;
  const range = versionRange(version);
  const txMinMs = atLeast(TX_MIN_1S_SINCE) ? 1000 : 300;
  const maxTxCeilMs = atLeast(TX_MIN_1S_SINCE) ? 3000 : 1000;
  return {
    version,
    range,
    sendWarningHasPeer: atLeast(SEND_WARNING_PEER_SINCE),
    unknownPeerLevel: atLeast(WITHDRAW_ON_DISCONNECT_SINCE) ? 'DEBUG' : 'WARN',
    sessionUpLevel: atLeast(SESSION_UP_DEBUG_FROM) && !atLeast(WITHDRAW_ON_DISCONNECT_SINCE) ? 'DEBUG' : 'INFO',
    recordShape: range === 'pre-0.7.1' ? 'v0.7.0' : range === '0.7.1-0.8.0' ? 'v0.7.1' : 'v0.8.1',
    passiveSessionDownLevel: atLeast(PASSIVE_DOWN_DEBUG_SINCE) ? 'DEBUG' : 'INFO',
    sessionUpSuffix: atLeast(WITHDRAW_ON_DISCONNECT_SINCE),
    withdrawsSessionsOnDisconnect: atLeast(WITHDRAW_ON_DISCONNECT_SINCE),
    livenessOnByDefault: atLeast(PASSIVE_DEFAULT_SINCE),
    interfaceMissingError: atLeast(IFCACHE_SINCE) ? 'ifcache' : 'net.InterfaceByName',
    routesApi: atLeast(ROUTES_API_SINCE),
    v2StatusApi: atLeast(V2_STATUS_API_SINCE),
    txMinMs,
    maxTxCeilMs,
    backoffMaxMs: atLeast(WITHDRAW_ON_DISCONNECT_SINCE) ? 60_000 : maxTxCeilMs,
    managerStartShape: atLeast(MANAGER_START_TIMING_SINCE) ? 'v0.32.0' : atLeast(WITHDRAW_ON_DISCONNECT_SINCE) ? 'v0.8.1' : 'v0.7.0',
  };
}

/** Levels the daemon writes at its default (`-v` off, `-route-liveness-debug` off): INFO and above (cmd/doublezerod/main.go). */
export function loggedAtDefaultLevel(level: SlogLevel): boolean {
  return level !== 'DEBUG';
}
