import {
  instant,
  interfaceMissingErrorText,
  isWrittenByDefault,
  managerStarting,
  NOT_FOUND_BODY,
  parseClientVersion,
  pinnedSendResult,
  routesBody,
  sendWarning,
  sendWarnings,
  sessionDown,
  sessionUp,
  systemctlShow,
  v2StatusBody,
  versionOutput,
  writeErrorCounts,
  type ApiSession,
  type ClientVersion,
  type DaemonRecord,
  type DownReason,
  type FailingSession,
  type ProvisionedService,
  type SendPathState,
  type SendWarning,
  type SessionPeer,
} from '../../../lib/doublezerod';
import { buildInfoFor } from '../../../lab/daemon/build-info';
import { renderExpected, type ExpectedFinding, type ExpectedVerdict } from './expected';
import { renderJournal, type JournalForm, type JournalItem } from './journal';
import { addressesByInterface, bgpRoutes, linkStates, type KernelSections } from './kernel';

// The per-verdict fixture bundles (fixtures/bundles/{healthy,…,seed-line}, README there), regenerated with the
// upstream model (issue 11): kernel sections captured in network namespaces with the seed report's addresses
// (seed-namespaces.ts), everything the daemon writes or answers built by lib/doublezerod for the client version
// each spec states, on a fixed timeline ending at the bundle's collectedAt. Folder names, node names, addresses
// and collection times are those of the first captures, which other tests read. Pure: same kernel in, same bytes out.

/** The kernel state a fixture's sections are captured in (seed-namespaces.ts builds each). */
export type SeedCapture =
  | 'allocated' // connected with -a: 209.245.225.161/32 on doublezero0, BGP /32s with that source
  | 'interface-missing' // the same, then doublezero0 deleted
  | 'interface-down' // the same, then doublezero0 set down
  | 'seed' // connect -a, disconnect (tunnel deleted), connect without -a: routes with the public IP as source
  | 'routes-deleted' // connected with -a, then both BGP /32s deleted with `ip route del`
  | 'firewalled'; // connected with -a, an nft output drop of udp 44880 to one peer (its counter real)

export type VerdictFixtureName = 'healthy' | 'interface-missing' | 'interface-down' | 'stale-session' | 'no-route' | 'firewall-blocked' | 'seed-line';

export interface VerdictFixtureSpec {
  name: VerdictFixtureName;
  node: string;
  capture: SeedCapture;
  /** meta.json's collectedAt, exactly as the first captures wrote it */
  collectedAt: string;
  /** the client version the daemon side is written for; null: the bundle does not say (seed-line) */
  version: string | null;
}

export const verdictFixtureSpecs: readonly VerdictFixtureSpec[] = [
  { name: 'healthy', node: 'fixture-healthy', capture: 'allocated', collectedAt: '2026-11-26T04:50:24.011Z', version: '0.10.0' },
  { name: 'interface-missing', node: 'fixture-interface-missing', capture: 'interface-missing', collectedAt: '2026-11-26T04:50:38.830Z', version: '0.8.5' },
  { name: 'interface-down', node: 'fixture-interface-down', capture: 'interface-down', collectedAt: '2026-11-26T04:50:53.732Z', version: '0.8.1' },
  { name: 'stale-session', node: 'dfw-mn-bm1', capture: 'seed', collectedAt: '2026-11-26T04:51:08.446Z', version: '0.8.0' },
  { name: 'no-route', node: 'fixture-no-route', capture: 'routes-deleted', collectedAt: '2026-11-26T04:51:23.209Z', version: '0.8.3' },
  { name: 'firewall-blocked', node: 'fixture-firewall-blocked', capture: 'firewalled', collectedAt: '2026-11-26T04:51:38.198Z', version: '0.7.1' },
  { name: 'seed-line', node: 'dfw-mn-bm1', capture: 'seed', collectedAt: '2025-11-30T19:40:00Z', version: null },
];

/** The seed report's addresses (DESIGN.md), used only inside the capture namespaces. */
export const SEED_ADDRESSES = {
  /** the node's public IP: the tunnel source, and the DZ IP when connected without -a */
  publicIp: '203.0.113.10',
  /** the allocated DZ IP (`connect ibrl -a`) */
  allocatedIp: '209.245.225.161',
  /** doublezero0's overlay /31: the node holds the upper address, the BGP next hop is the lower */
  overlayLocal: '169.254.0.3',
  overlayPeer: '169.254.0.2',
  /** the DoubleZero device at the far end of the tunnel (tunnel destination) */
  deviceIp: '203.0.113.1',
  peers: ['216.238.110.55', '198.18.7.55'],
  /** the peer the firewalled node's nft rule drops liveness to */
  blockedPeer: '216.238.110.55',
} as const;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const IFACE = 'doublezero0';
const NETWORK = 'mainnet-beta';
const UNIT_ARGS = ['/usr/bin/doublezerod', '-sock-file', '/run/doublezerod/doublezerod.sock', '-env', NETWORK];
/** what the peers (other DoubleZero nodes) report in their control packets */
const PEER_VERSION = '0.10.0';
/** the daemons' PIDs: those of the first captures (seed: the seed report's) */
const PIDS: Record<VerdictFixtureName, number> = {
  healthy: 24184,
  'interface-missing': 25410,
  'interface-down': 26917,
  'stale-session': 1027617,
  'no-route': 30516,
  'firewall-blocked': 31044,
  'seed-line': 1027617,
};

export type FixtureFiles = Record<string, string>;

function parsedVersion(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(`bad version ${text}`);
  return v;
}

/** The unit's ExecStart: liveness is opt-in before v0.8.3, so those nodes run it passive by flag (as the lab's). */
function argvFor(version: string): string[] {
  const v = parsedVersion(version);
  const optIn = v.major === 0 && (v.minor < 8 || (v.minor === 8 && v.patch < 3));
  return [...UNIT_ARGS, ...(optIn ? ['-route-liveness-enable-passive'] : [])];
}

const peerOf = (peerIp: string, localIp: string = SEED_ADDRESSES.allocatedIp): SessionPeer => ({ iface: IFACE, localIp, peerIp });

/** Deterministic sub-millisecond nanos for the n-th record of a fixture (Go prints them; any value will do). */
const nanos = (n: number) => (104_729 + n * 7_919) % 1_000_000;

/** The service `connect ibrl -a` provisions (api.ProvisionRequest, UserType IBRLWithAllocatedIP). */
function allocatedService(sinceMs: number, bgpStatus: ProvisionedService['bgpStatus'] = 'BGP Session Up'): ProvisionedService {
  return {
    userType: 'IBRLWithAllocatedIP',
    tunnelName: IFACE,
    tunnelSrc: SEED_ADDRESSES.publicIp,
    tunnelDst: SEED_ADDRESSES.deviceIp,
    doubleZeroIp: SEED_ADDRESSES.allocatedIp,
    overlayPeer: SEED_ADDRESSES.overlayPeer,
    bgpStatus,
    lastSessionUpdate: Math.floor(sinceMs / SECOND),
  };
}

function sendError(v: ClientVersion, peerIp: string, node: SendPathState): string {
  const outcome = pinnedSendResult(v, { iface: IFACE, peerIp }, node);
  if (outcome.ok) throw new Error(`a send to ${peerIp} in this state must fail`);
  return outcome.error;
}

interface Timeline {
  spec: VerdictFixtureSpec;
  v: ClientVersion;
  version: string;
  pid: number;
  collectedMs: number;
  items: JournalItem[];
}

function timeline(spec: VerdictFixtureSpec): Timeline {
  if (!spec.version) throw new Error(`${spec.name} states no version`);
  return { spec, v: parsedVersion(spec.version), version: spec.version, pid: PIDS[spec.name], collectedMs: Date.parse(spec.collectedAt), items: [] };
}

/** Adds a daemon record to the journal when the daemon writes it at its default level (INFO). */
function log(t: Timeline, record: DaemonRecord): void {
  if (isWrittenByDefault(record)) t.items.push({ source: 'daemon', pid: t.pid, record });
}

/** systemd's `Started` line, `liveness: manager starting` (passive), and each session's `session up` once its peer answers. */
function daemonStart(t: Timeline, startMs: number, peers: readonly string[]): void {
  t.items.push({ source: 'systemd', atMs: startMs, message: 'Started doublezerod.service - DoubleZero client.' });
  log(t, managerStarting(t.v, instant(startMs + 291, nanos(1)), { passiveMode: true }));
  for (const [i, peerIp] of peers.entries()) {
    const at = instant(startMs + 1_904 + i * 3, nanos(10 + i));
    log(
      t,
      sessionUp(t.v, at, {
        peer: peerOf(peerIp),
        nextHop: SEED_ADDRESSES.overlayPeer,
        convergenceNanos: 1_287_113 + i * 977,
        upSince: at,
        noOp: 'global-passive',
        peerAdvertisedMode: 'passive',
        peerClientVersion: PEER_VERSION,
      }),
    );
  }
}

/** One `session down` per session (global passive keeps the route; up to v0.8.0 the plain record). */
function sessionsDown(t: Timeline, atMs: number, peers: readonly string[], reason: DownReason, localIp: string = SEED_ADDRESSES.allocatedIp): void {
  for (const [i, peerIp] of peers.entries()) {
    const at = instant(atMs + i * 4, nanos(20 + i));
    log(
      t,
      sessionDown(
        t.v,
        at,
        {
          peer: peerOf(peerIp, localIp),
          nextHop: SEED_ADDRESSES.overlayPeer,
          convergenceNanos: 3_004_211_870 + i * 1_013,
          downSince: at,
          downReason: reason,
          peerClientVersion: PEER_VERSION,
        },
        { globalPassive: true },
      ),
    );
  }
}

function logWarnings(t: Timeline, warnings: readonly SendWarning[]): void {
  for (const w of warnings) log(t, w.record);
}

function apiSessions(peers: readonly string[], state: 'up' | 'down', atMs: number, downReason: DownReason = 'none'): ApiSession[] {
  return peers.map((peerIp, i) => ({
    iface: IFACE,
    localIp: SEED_ADDRESSES.allocatedIp,
    peerIp,
    nextHop: SEED_ADDRESSES.overlayPeer,
    state,
    downReason,
    lastUpdated: instant(atMs + i * 4),
    // global passive: the daemon keeps the route whatever the session does
    expectedKernelState: 'present',
    peerMode: 'passive',
    peerClientVersion: PEER_VERSION,
  }));
}

function daemonRoutes(t: Timeline, kernel: KernelSections, serviceSinceMs: number, sessions: readonly ApiSession[]): string {
  const kernelRoutes = bgpRoutes(kernel).map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop }));
  return routesBody(t.v, { network: NETWORK, services: [allocatedService(serviceSinceMs)], kernelRoutes, sessions });
}

/** meta.json, as the first captures wrote it: one line. */
function metaJson(spec: VerdictFixtureSpec): string {
  return `${JSON.stringify({ node: spec.node, collectedAt: spec.collectedAt })}\n`;
}

/** What the probe collects besides the journal and the API: hostname, is-active, -version, systemctl show. */
function probeFiles(t: Timeline, kernel: KernelSections, startMs: number): FixtureFiles {
  return {
    'meta.json': metaJson(t.spec),
    ...kernel,
    'hostname.txt': `${t.spec.node}\n`,
    'systemctl.txt': 'active\n',
    'doublezerod-version.txt': versionOutput(buildInfoFor(t.version)),
    'systemctl-show.txt': systemctlShow({ mainPid: t.pid, activeEnterMs: startMs, execMainStartMs: startMs, argv: argvFor(t.version), execPid: t.pid }),
  };
}

function journalText(t: Timeline, form: JournalForm): string {
  return renderJournal({ seed: t.spec.name, hostname: t.spec.node, bootMs: t.collectedMs - 41 * 24 * 60 * MINUTE, argv: argvFor(t.version) }, t.items, form);
}

function verdicts(verdictOf: (peer: string) => ExpectedVerdict): Record<string, ExpectedVerdict> {
  return Object.fromEntries(SEED_ADDRESSES.peers.map((p) => [p, verdictOf(p)]));
}

function sampledPeers(warnings: readonly SendWarning[]): string[] {
  return [...new Set(warnings.map((w) => w.peer.peerIp))].sort();
}

// ---- the kernel state each builder relies on (a capture in another state is refused) ----

function expectKernel(
  spec: VerdictFixtureSpec,
  kernel: KernelSections,
  want: { link: 'up' | 'down' | 'missing'; allocated: boolean; bgpSrc: string | null },
): void {
  const link = linkStates(kernel).get(IFACE);
  const state = link === undefined ? 'missing' : link ? 'up' : 'down';
  const allocated = (addressesByInterface(kernel).get(IFACE) ?? []).includes(SEED_ADDRESSES.allocatedIp);
  const routes = bgpRoutes(kernel);
  const srcs = [...new Set(routes.map((r) => r.src))];
  const ok =
    state === want.link &&
    allocated === want.allocated &&
    (want.bgpSrc === null ? routes.length === 0 : routes.length === SEED_ADDRESSES.peers.length && srcs.length === 1 && srcs[0] === want.bgpSrc);
  if (!ok)
    throw new Error(
      `${spec.name}: kernel sections are not in the ${spec.capture} state (doublezero0 ${state}, allocated ${allocated}, bgp src ${srcs.join(',') || 'none'})`,
    );
}

// ---- the fixtures ----

function healthy(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'up', allocated: true, bgpSrc: SEED_ADDRESSES.allocatedIp });
  const t = timeline(spec);
  const startMs = t.collectedMs - 11 * MINUTE - 7_412;
  daemonStart(t, startMs, SEED_ADDRESSES.peers);
  const services = [allocatedService(startMs + 1_200)];
  return {
    ...probeFiles(t, kernel, startMs),
    'journal.log': journalText(t, 'short'),
    'daemon-routes.json': daemonRoutes(t, kernel, startMs + 1_200, apiSessions(SEED_ADDRESSES.peers, 'up', startMs + 1_904)),
    'daemon-v2-status.json': v2StatusBody(t.v, { reconcilerEnabled: false, clientIp: SEED_ADDRESSES.publicIp, network: NETWORK, services }),
    'expected.json': renderExpected({
      peers: verdicts(() => 'healthy'),
      findings: [],
      note:
        `v${t.version}, connected with -a (${SEED_ADDRESSES.allocatedIp}/32 on doublezero0, BGP /32s with it as source), passive liveness by default ` +
        `(cmd/doublezerod/main.go since v0.8.3): the start, then \`liveness: session up (global passive; no-op)\` for both peers ` +
        `(internal/liveness/manager.go onSessionUp); healthy sessions log nothing more. GET /routes lists both sessions up with their ` +
        `kernel routes present (internal/api/routes.go, the DZ IP's), /v2/status the IBRLWithAllocatedIP service (internal/manager/http.go). ` +
        `DESIGN.md "Verdicts": nothing fails, no warning: healthy.`,
    }),
  };
}

function interfaceMissing(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'missing', allocated: false, bgpSrc: null });
  const t = timeline(spec);
  const startMs = t.collectedMs - 12 * MINUTE - 2_118;
  daemonStart(t, startMs, SEED_ADDRESSES.peers);
  const deletedMs = t.collectedMs - 95 * SECOND;
  // Until the ifCache (30 s TTL) refreshes, it still maps doublezero0 to the vanished index: the kernel refuses the
  // source first (the /32 went with the interface), ENETUNREACH. After the refresh the daemon's own error.
  const cacheRefreshMs = deletedMs + 21 * SECOND;
  const detectMs = deletedMs + 3_100;
  sessionsDown(t, detectMs, SEED_ADDRESSES.peers, 'timeout');
  const staleIndex = (peerIp: string) =>
    sendError(t.v, peerIp, { interfacePresent: false, interfaceUp: false, localIpAssigned: false, staleInterfaceIndex: true });
  const notFound = interfaceMissingErrorText(t.v, IFACE);
  const sessions: FailingSession[] = SEED_ADDRESSES.peers.map((peerIp, i) => ({
    peer: peerOf(peerIp),
    downSinceMs: detectMs + i * 4,
    failures: [
      { fromMs: deletedMs, toMs: cacheRefreshMs, error: staleIndex(peerIp) },
      { fromMs: cacheRefreshMs, toMs: null, error: notFound },
    ],
  }));
  const { warnings } = sendWarnings({ version: t.v, sessions, fromMs: deletedMs, toMs: t.collectedMs, seed: spec.name });
  logWarnings(t, warnings);
  return {
    ...probeFiles(t, kernel, startMs),
    'journal.log': journalText(t, 'json'),
    'daemon-routes.json': daemonRoutes(t, kernel, startMs + 1_200, apiSessions(SEED_ADDRESSES.peers, 'down', detectMs, 'timeout')),
    'expected.json': renderExpected({
      peers: verdicts(() => 'interface-missing'),
      findings: [{ kind: 'tunnel', interface: IFACE, verdict: 'interface-missing' }],
      note:
        `v${t.version}, connected with -a; doublezero0 deleted 95 s before collection (its /32 and routes went with it). The sessions time out ` +
        `(session down, global passive keeps the route: internal/liveness/manager.go) and keep sending on their Down backoff (1 min cap since ` +
        `v0.8.1, session.go); sends are pinned to the interface (internal/liveness/udp.go): for the first 21 s the ifCache (ifcache.go, 30 s TTL) ` +
        `still holds the old index and the kernel refuses the vanished source (ENETUNREACH), then the daemon's own \`${notFound}\` (since v0.8.5). ` +
        `${warnings.length} warnings under the 5-s daemon-wide throttle (scheduler.go). An -a connection does not flush routes or sessions when ` +
        `BGP goes down (internal/services/ibrl.go FlushRoutes=false). DESIGN.md "Verdicts": the sessions' interface is absent: interface-missing, ` +
        `and the unicast tunnel the daemon serves is missing (node finding).`,
    }),
  };
}

function interfaceDown(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'down', allocated: true, bgpSrc: null });
  const t = timeline(spec);
  const startMs = t.collectedMs - 9 * MINUTE - 4_377;
  daemonStart(t, startMs, SEED_ADDRESSES.peers);
  const downMs = t.collectedMs - 2 * MINUTE;
  const detectMs = downMs + 3_100;
  sessionsDown(t, detectMs, SEED_ADDRESSES.peers, 'timeout');
  const sessions: FailingSession[] = SEED_ADDRESSES.peers.map((peerIp, i) => ({
    peer: peerOf(peerIp),
    downSinceMs: detectMs + i * 4,
    failures: [{ fromMs: downMs, toMs: null, error: sendError(t.v, peerIp, { interfacePresent: true, interfaceUp: false, localIpAssigned: true }) }],
  }));
  const { warnings } = sendWarnings({ version: t.v, sessions, fromMs: downMs, toMs: t.collectedMs, seed: spec.name });
  logWarnings(t, warnings);
  return {
    ...probeFiles(t, kernel, startMs),
    'journal.log': journalText(t, 'cat'),
    'daemon-routes.json': daemonRoutes(t, kernel, startMs + 1_200, apiSessions(SEED_ADDRESSES.peers, 'down', detectMs, 'timeout')),
    'expected.json': renderExpected({
      peers: verdicts(() => 'interface-down'),
      findings: [{ kind: 'tunnel', interface: IFACE, verdict: 'interface-down' }],
      note:
        `v${t.version} (passive by flag), connected with -a; \`ip link set doublezero0 down\` 2 min before collection: the kernel drops the routes ` +
        `through it, the address stays. The sessions time out (\`session down (global passive; keeping route)\`, manager.go since v0.8.1) and ` +
        `send on their Down backoff (capped at 1 min since v0.8.1, session.go); a pinned send on a down interface is ENETUNREACH ` +
        `(internal/liveness/udp.go + the kernel, docs/doublezerod-model.md "Pinned send"): ${warnings.length} warnings. DESIGN.md "Verdicts": ` +
        `interface-down for both peers, and the unicast tunnel down (node finding).`,
    }),
  };
}

function staleSession(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'up', allocated: false, bgpSrc: SEED_ADDRESSES.publicIp });
  const t = timeline(spec);
  const disconnectMs = t.collectedMs - 4 * MINUTE - 12 * SECOND;
  const reconnectMs = disconnectMs + 6_300;
  const detectMs = disconnectMs + 3_100;
  // v0.8.0: the -a connection's sessions outlive the disconnect (the seed bug, fixed in v0.8.1 by PR 2380); they time out
  sessionsDown(t, detectMs, SEED_ADDRESSES.peers, 'timeout');
  const sessions: FailingSession[] = SEED_ADDRESSES.peers.map((peerIp, i) => ({
    peer: peerOf(peerIp),
    downSinceMs: detectMs + i * 4,
    failures: [
      // upstream deletes the tunnel on disconnect (internal/services/ibrl.go Teardown) and re-creates it on connect, without the /32
      { fromMs: disconnectMs, toMs: reconnectMs, error: interfaceMissingErrorText(t.v, IFACE) },
      { fromMs: reconnectMs, toMs: null, error: sendError(t.v, peerIp, { interfacePresent: true, interfaceUp: true, localIpAssigned: false }) },
    ],
  }));
  const { warnings } = sendWarnings({ version: t.v, sessions, fromMs: disconnectMs, toMs: t.collectedMs, seed: spec.name });
  logWarnings(t, warnings);
  const sampled = sampledPeers(warnings);
  const finding: ExpectedFinding = {
    kind: 'stale-local-ip',
    interface: IFACE,
    localIP: SEED_ADDRESSES.allocatedIp,
    sessionsFailing: sampled.length,
    exact: false,
  };
  return {
    // only the required sections and the journal (as an agent without the optional sections collects): the
    // diagnosis does not learn the version, the start time or the daemon's own session list
    'meta.json': metaJson(spec),
    ...kernel,
    'journal.log': journalText(t, 'json'),
    'expected.json': renderExpected({
      peers: verdicts(() => 'stale-session'),
      findings: [finding],
      note:
        `v${t.version} (the bundle does not say: no optional section), the seed: connected with -a, \`doublezero disconnect\` 4 min 12 s before ` +
        `collection, \`doublezero connect ibrl\` without -a 6 s later. Upstream deletes the tunnel on disconnect and re-creates it on connect ` +
        `without ${SEED_ADDRESSES.allocatedIp}; the BGP /32s now have ${SEED_ADDRESSES.publicIp} as source. Up to v0.8.0 the -a sessions outlive ` +
        `the disconnect (internal/services/ibrl.go, PR 2380 fixed it in v0.8.1): they time out (\`liveness: session down\`, INFO), fail with ` +
        `\`${interfaceMissingErrorText(t.v, IFACE)}\` while the tunnel is gone, then ENETUNREACH (a pinned send from an unassigned source, ` +
        `internal/liveness/udp.go), sending about once a second (Down backoff capped at 1 s up to v0.8.0); the daemon logs one warning per 5 s ` +
        `for all of them (scheduler.go): ${warnings.length} warnings naming ${sampled.join(' and ')}. The new sessions from ${SEED_ADDRESSES.publicIp} ` +
        `log nothing (\`session up\` is DEBUG in v0.7.2 … v0.8.0). DESIGN.md "Verdicts": both peers stale-session; node finding: local IP ` +
        `${SEED_ADDRESSES.allocatedIp} not assigned, ≥ ${sampled.length} sessions failing (the peers sampled, no metrics: a lower bound).`,
    }),
  };
}

function noRoute(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'up', allocated: true, bgpSrc: null });
  const t = timeline(spec);
  const startMs = t.collectedMs - 13 * MINUTE - 1_505;
  daemonStart(t, startMs, SEED_ADDRESSES.peers);
  // the routes are deleted 3 min before collection by something other than the daemon; nothing is logged
  return {
    ...probeFiles(t, kernel, startMs),
    'journal.log': journalText(t, 'short'),
    'daemon-routes.json': daemonRoutes(t, kernel, startMs + 1_200, apiSessions(SEED_ADDRESSES.peers, 'up', startMs + 1_904)),
    'expected.json': renderExpected({
      peers: verdicts(() => 'no-route'),
      findings: [],
      note:
        `v${t.version}, passive by default, connected with -a; both BGP /32s deleted from the kernel (\`ip route del\`) 3 min before collection, ` +
        `by something other than the daemon. Sends are pinned to doublezero0 (IP_PKTINFO, internal/liveness/udp.go): without a route the kernel ` +
        `sends on-link, no error, so the sessions stay up and no warning is written (docs/doublezerod-model.md "Pinned send"); GET /routes ` +
        `shows them up with kernel_state absent (internal/api/routes.go). DESIGN.md "Verdicts": no route to either peer through the ` +
        `interface: no-route, with no send warning and the sessions up.`,
    }),
  };
}

/** The firewalled session: every send from the block on is refused (EPERM), about once a second in every state it passes through. */
function firewalledSession(v: ClientVersion, blockedMs: number): FailingSession {
  const error = sendError(v, SEED_ADDRESSES.blockedPeer, { interfacePresent: true, interfaceUp: true, localIpAssigned: true, firewallDrops: true });
  return { peer: peerOf(SEED_ADDRESSES.blockedPeer), downSinceMs: blockedMs, failures: [{ fromMs: blockedMs, toMs: null, error }] };
}

const firewallSpec = () => verdictFixtureSpecs.find((s) => s.name === 'firewall-blocked')!;
const blockedAtMs = (collectedMs: number) => collectedMs - 10 * MINUTE;

/**
 * How many liveness packets the firewalled node's daemon sent (and the nft rule dropped, counting them) between the
 * block and the collection: the capture sends exactly these for real, so the rule's counter in nft.json is the kernel's.
 */
export function firewalledSendCount(): number {
  const spec = firewallSpec();
  const v = parsedVersion(spec.version!);
  const collectedMs = Date.parse(spec.collectedAt);
  const blockedMs = blockedAtMs(collectedMs);
  return writeErrorCounts(v, [firewalledSession(v, blockedMs)], blockedMs, collectedMs, spec.name).reduce((n, c) => n + c.count, 0);
}

function firewallBlocked(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'up', allocated: true, bgpSrc: SEED_ADDRESSES.allocatedIp });
  const t = timeline(spec);
  const startMs = t.collectedMs - 14 * MINUTE - 3_260;
  daemonStart(t, startMs, SEED_ADDRESSES.peers);
  const blockedMs = blockedAtMs(t.collectedMs);
  // the peer stops hearing this node, times out and says so: the session goes down with remote_down
  sessionsDown(t, blockedMs + 3_420, [SEED_ADDRESSES.blockedPeer], 'remote_down');
  const { warnings } = sendWarnings({ version: t.v, sessions: [firewalledSession(t.v, blockedMs)], fromMs: blockedMs, toMs: t.collectedMs, seed: spec.name });
  logWarnings(t, warnings);
  return {
    ...probeFiles(t, kernel, startMs),
    'journal.log': journalText(t, 'json'),
    'daemon-routes.json': NOT_FOUND_BODY,
    'expected.json': renderExpected({
      peers: verdicts((p) => (p === SEED_ADDRESSES.blockedPeer ? 'firewall-blocked' : 'healthy')),
      findings: [],
      note:
        `v${t.version} (passive by flag; the send warning has \`peer\` since v0.7.1, scheduler.go), connected with -a; an nft output rule drops ` +
        `udp 44880 to ${SEED_ADDRESSES.blockedPeer} from 10 min before collection: every send to it is EPERM (netfilter NF_DROP). The peer ` +
        `stops hearing this node and signals down (\`session down\`, remote_down, manager.go); the session keeps sending about once a second ` +
        `(Init at its 1-s tx interval, Down backoff capped at 1 s up to v0.8.0), all refused: ${firewalledSendCount()} packets (the rule's ` +
        `counter in nft.json: the capture sent exactly these), ${warnings.length} warnings (one per 5 s, scheduler.go). ` +
        `${SEED_ADDRESSES.peers.filter((p) => p !== SEED_ADDRESSES.blockedPeer).join(', ')} came up (\`session up\`, INFO in v0.7.1) and never ` +
        `failed. GET /routes does not exist before v0.8.0 (404). DESIGN.md "Verdicts": firewall-blocked for the dropped peer, healthy for the other.`,
    }),
  };
}

/** The seed report's one journal line, over the seed's kernel state, collected 3 min 38 s after it. */
function seedLine(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  expectKernel(spec, kernel, { link: 'up', allocated: false, bgpSrc: SEED_ADDRESSES.publicIp });
  const seedPeer = SEED_ADDRESSES.peers[0];
  // the report's record (v0.7.1 … v0.8.0 write it byte for byte: lib/doublezerod records.test.ts)
  const record = sendWarning(
    parsedVersion('0.8.0'),
    instant(Date.parse('2025-11-30T19:36:22.662Z'), 807_168),
    peerOf(seedPeer),
    'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
  );
  const collectedMs = Date.parse(spec.collectedAt);
  const journal = renderJournal(
    { seed: spec.name, hostname: spec.node, bootMs: collectedMs - 41 * 24 * 60 * MINUTE, argv: argvFor('0.8.0') },
    [{ source: 'daemon', pid: PIDS[spec.name], record }],
    'short',
  );
  return {
    'meta.json': metaJson(spec),
    ...kernel,
    'journal.log': journal,
    'expected.json': renderExpected({
      peers: verdicts((p) => (p === seedPeer ? 'recovering' : 'healthy')),
      findings: [],
      note:
        `The seed report's exact line (DESIGN.md; client version not stated, the record shape is v0.7.1 … v0.8.0) over the seed's kernel state ` +
        `(${SEED_ADDRESSES.allocatedIp} on no interface), collected 3 min 38 s after it with nothing logged since. The daemon logs one send warning ` +
        `per 5 s for all its failing sessions (internal/liveness/scheduler.go) and a failing session sends at least once a minute (Down backoff), ` +
        `so that long a silence proves no session fails any more (docs/diagnosis.md, "Quiet is not recovered" — quiet of the whole daemon is): ` +
        `the session of that line is gone and its warning is still in the window: recovering, not stale-session; no stale-local-ip finding. ` +
        `The current sessions (BGP /32s from ${SEED_ADDRESSES.publicIp}) are healthy.`,
    }),
  };
}

/** The files of one per-verdict fixture, from the kernel sections of its capture. */
export function buildVerdictFixture(spec: VerdictFixtureSpec, kernel: KernelSections): FixtureFiles {
  switch (spec.name) {
    case 'healthy':
      return healthy(spec, kernel);
    case 'interface-missing':
      return interfaceMissing(spec, kernel);
    case 'interface-down':
      return interfaceDown(spec, kernel);
    case 'stale-session':
      return staleSession(spec, kernel);
    case 'no-route':
      return noRoute(spec, kernel);
    case 'firewall-blocked':
      return firewallBlocked(spec, kernel);
    case 'seed-line':
      return seedLine(spec, kernel);
  }
}
