import {
  instant,
  interfaceMissingErrorText,
  managerStarting,
  metricsExposition,
  metricsServerStarted,
  NOT_FOUND_BODY,
  parseClientVersion,
  pinnedSendResult,
  routesBody,
  sendWarnings,
  sessionUp,
  systemctlShow,
  unknownPeerWarnings,
  v2StatusBody,
  versionOutput,
  writeErrorCounts,
  type ApiSession,
  type ClientVersion,
  type FailingSession,
  type ProvisionedService,
  type SendWarning,
} from '../../../lib/doublezerod';
import { buildInfoFor } from '../../../lab/daemon/build-info';
import { renderExpected, type ExpectedFinding, type ExpectedVerdict } from './expected';
import { renderJournal, type JournalForm, type JournalItem } from './journal';
import { addressesByInterface, bgpRoutes, type KernelSections } from './kernel';

// The upstream-* fixture bundles (fixtures/bundles/README.md): kernel sections captured from the lab
// (scripts/capture-fixtures/upstream/lab-capture.ts), everything the daemon writes or answers built by
// lib/doublezerod on a fixed timeline, and the expected verdicts derived from DESIGN.md and upstream.
// Pure: same kernel sections in, same bytes out.

/** Which lab capture a fixture's kernel sections come from (lab-capture.ts takes them in this state). */
export type KernelCapture =
  | 'seed' // lab-a after connect -a, disconnect, connect: 198.18.2.1 gone, 200 routes src 198.18.1.1
  | 'seed-ip-reassigned' // the same, then 198.18.2.1/32 added back to doublezero0
  | 'seed-restarted' // the same seed state after `systemctl restart doublezerod`
  | 'firewalled' // lab-c: nft output drop of udp 44880 to 198.18.100.2
  | 'healthy' // lab-e
  | 'multicast-down' // lab-g: doublezero0 up, doublezero1 down
  | 'multicast-only-down'; // lab-g with doublezero0 deleted: only doublezero1, down

export interface FixtureSpec {
  name: string;
  node: string;
  capture: KernelCapture;
}

export const fixtureSpecs: readonly FixtureSpec[] = [
  { name: 'upstream-throttle-200-stale', node: 'lab-a', capture: 'seed' },
  { name: 'upstream-throttle-200-stale-routes', node: 'lab-a', capture: 'seed' },
  { name: 'upstream-v0.7.0-warnings', node: 'lab-c', capture: 'firewalled' },
  { name: 'upstream-unknown-peer-warn', node: 'lab-e', capture: 'healthy' },
  { name: 'upstream-passive-quiet', node: 'lab-e', capture: 'healthy' },
  { name: 'upstream-doublezero1-down', node: 'lab-g', capture: 'multicast-down' },
  { name: 'upstream-multicast-only-down', node: 'lab-g', capture: 'multicast-only-down' },
  { name: 'upstream-restarted', node: 'lab-a', capture: 'seed-restarted' },
  { name: 'upstream-ip-reassigned', node: 'lab-a', capture: 'seed-ip-reassigned' },
];

/** Every fixture is collected at the same instant (after the newest release it runs); the daemon's history is laid out before it. */
export const COLLECTED_AT_MS = Date.UTC(2026, 2, 16, 12, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const BOOT_MS = COLLECTED_AT_MS - 41 * 24 * HOUR;

// The lab's addresses (lab/topology.sh): the fixtures' kernel sections come from these nodes.
const LAB_A = { publicIp: '198.18.1.1', allocatedIp: '198.18.2.1', overlayPeer: '169.254.0.0' };
const DEVICE_IP = '198.18.0.1';
const NETWORK = 'testnet';
const UNIT_ARGS = ['/usr/bin/doublezerod', '-sock-file', '/run/doublezerod/doublezerod.sock', '-env', 'testnet'];
const FIREWALLED_PEER = '198.18.100.2';

export type FixtureFiles = Record<string, string>;

function version(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(`bad version ${text}`);
  return v;
}

function argvFor(v: string, extra: readonly string[] = []): string[] {
  const passiveFlag = ['0.7.0', '0.7.1', '0.8.0', '0.8.1', '0.8.2'].includes(v) ? ['-route-liveness-enable-passive'] : [];
  return [...UNIT_ARGS, ...passiveFlag, ...extra];
}

/** Sections every fixture has: meta, the kernel's, hostname, is-active, -version, systemctl show. */
function baseFiles(spec: FixtureSpec, kernel: KernelSections, v: string, unit: { pid: number; startMs: number; argv: readonly string[] }): FixtureFiles {
  return {
    'meta.json': `${JSON.stringify({ node: spec.node, collectedAt: new Date(COLLECTED_AT_MS).toISOString() }, null, 2)}\n`,
    ...kernel,
    'hostname.txt': `${spec.node}\n`,
    'systemctl.txt': 'active\n',
    'doublezerod-version.txt': versionOutput(buildInfoFor(v)),
    'systemctl-show.txt': systemctlShow({ mainPid: unit.pid, activeEnterMs: unit.startMs, execMainStartMs: unit.startMs, argv: unit.argv, execPid: unit.pid }),
  };
}

function journal(spec: FixtureSpec, argv: readonly string[], items: readonly JournalItem[], form: JournalForm): string {
  return renderJournal({ seed: spec.name, hostname: spec.node, bootMs: BOOT_MS, argv }, items, form);
}

const started = (atMs: number): JournalItem => ({ source: 'systemd', atMs, message: 'Started doublezerod.service - DoubleZero client.' });

function daemonItems(pid: number, records: readonly { record: SendWarning['record'] }[]): JournalItem[] {
  return records.map((r) => ({ source: 'daemon', pid, record: r.record }));
}

/** The node's public IP: the 198.18.1.x /32 on eth0 (lab/topology.sh), the tunnels' source. */
function publicIpOf(kernel: KernelSections): string {
  const ip = (addressesByInterface(kernel).get('eth0') ?? []).find((a) => a.startsWith('198.18.1.'));
  if (!ip) throw new Error('no public IP on eth0');
  return ip;
}

function peersOf(kernel: KernelSections): string[] {
  return bgpRoutes(kernel).map((r) => r.peerIp);
}

/** The send error of a session whose local IP the node no longer has (upstream udp.go + the kernel, pinned). */
function unassignedSourceError(v: ClientVersion, peerIp: string): string {
  const outcome = pinnedSendResult(v, { iface: 'doublezero0', peerIp }, { interfacePresent: true, interfaceUp: true, localIpAssigned: false });
  if (outcome.ok) throw new Error('an unassigned source must fail');
  return outcome.error;
}

/**
 * The seed's stale sessions: every peer's session from the allocated IP outlives the disconnect (v0.8.0). Upstream
 * deletes the tunnel on disconnect (internal/services/ibrl.go Teardown), so until the reconnect re-creates it the
 * sends fail in the daemon itself (no interface); from then on the tunnel lacks the /32 and the kernel refuses.
 */
function staleSessions(v: ClientVersion, peers: readonly string[], t: { disconnectMs: number; reconnectMs: number; fixedMs: number | null }): FailingSession[] {
  return peers.map((peerIp) => ({
    peer: { iface: 'doublezero0', localIp: LAB_A.allocatedIp, peerIp },
    downSinceMs: t.disconnectMs,
    failures: [
      { fromMs: t.disconnectMs, toMs: t.reconnectMs, error: interfaceMissingErrorText(v, 'doublezero0') },
      { fromMs: t.reconnectMs, toMs: t.fixedMs, error: unassignedSourceError(v, peerIp) },
    ],
  }));
}

/** An IBRL service (no -a): the DZ IP is the public IP, the tunnel's source. */
function ibrlService(publicIp: string, overlayPeer: string, since: number): ProvisionedService {
  return {
    userType: 'IBRL',
    tunnelName: 'doublezero0',
    tunnelSrc: publicIp,
    tunnelDst: DEVICE_IP,
    doubleZeroIp: publicIp,
    overlayPeer,
    bgpStatus: 'BGP Session Up',
    lastSessionUpdate: Math.floor(since / SECOND),
  };
}

function upSessions(peers: readonly string[], localIp: string, nextHop: string, atMs: number, peerVersion = '0.8.3'): ApiSession[] {
  return peers.map((peerIp, i) => ({
    iface: 'doublezero0',
    localIp,
    peerIp,
    nextHop,
    state: 'up',
    downReason: 'none',
    lastUpdated: instant(atMs + i * 3),
    expectedKernelState: 'present',
    peerMode: 'passive',
    peerClientVersion: peerVersion,
  }));
}

function sampledPeers(warnings: readonly SendWarning[], localIp: string): Set<string> {
  return new Set(warnings.filter((w) => w.peer.localIp === localIp).map((w) => w.peer.peerIp));
}

function verdictsFor(peers: readonly string[], verdictOf: (peer: string) => ExpectedVerdict): Record<string, ExpectedVerdict> {
  return Object.fromEntries(peers.map((p) => [p, verdictOf(p)]));
}

// ---- the seed bug on lab-a (v0.8.0, 200 peers) ----

const SEED_PID = 1027617;
const SEED_DAEMON_START = COLLECTED_AT_MS - 3 * HOUR;

interface SeedTimeline {
  /** `doublezero disconnect`: the allocated /32 goes, its sessions stay (v0.8.0) and start failing */
  disconnectMs: number;
  /** `doublezero connect ibrl` without -a: routes and sessions from the public IP */
  reconnectMs: number;
  /** the stale sessions stop failing (restart or IP re-assigned), or null: still failing */
  fixedMs: number | null;
  /**
   * the journal section starts here, after the reconnect: v0.8.0 logs `session down` for every stale session
   * right after the disconnect, and its BGP and provisioning lines around (re)connects are not modelled
   */
  journalFromMs: number;
}

function seedWarnings(v: ClientVersion, peers: readonly string[], t: SeedTimeline, seed: string): SendWarning[] {
  return sendWarnings({
    version: v,
    sessions: staleSessions(v, peers, t),
    fromMs: t.disconnectMs,
    toMs: t.fixedMs ?? COLLECTED_AT_MS,
    emitFromMs: t.journalFromMs,
    seed,
  }).warnings;
}

const SEED_ARGV = argvFor('0.8.0', ['-metrics-enable', '-metrics-addr', 'localhost:0']);

function throttle200(spec: FixtureSpec, kernel: KernelSections, withApi: boolean): FixtureFiles {
  const v = version('0.8.0');
  const peers = peersOf(kernel);
  const t: SeedTimeline = {
    disconnectMs: COLLECTED_AT_MS - 2 * HOUR - 5 * SECOND,
    reconnectMs: COLLECTED_AT_MS - 2 * HOUR,
    fixedMs: null,
    journalFromMs: COLLECTED_AT_MS - HOUR,
  };
  // both variants are the same node at the same moment: one warning sequence (the seed is the bug, not the file)
  const warnings = seedWarnings(v, peers, t, 'upstream-throttle-200-stale');
  const files: FixtureFiles = {
    ...baseFiles(spec, kernel, '0.8.0', { pid: SEED_PID, startMs: SEED_DAEMON_START, argv: SEED_ARGV }),
    // the probe's form for the full variant; the syslog-prefixed form (journalctl's default) for the other
    'journal.log': journal(spec, SEED_ARGV, daemonItems(SEED_PID, warnings), withApi ? 'json' : 'short'),
  };
  const sampled = sampledPeers(warnings, LAB_A.allocatedIp);
  let finding: ExpectedFinding = { kind: 'stale-local-ip', interface: 'doublezero0', localIP: LAB_A.allocatedIp, sessionsFailing: sampled.size, exact: false };
  const notes = [
    `v0.8.0 after the seed sequence (connect -a, disconnect, connect): ${peers.length} sessions from ${LAB_A.allocatedIp}, which is on no ` +
      `interface, fail every ~1 s (Down backoff capped at MaxTxCeil, internal/liveness/session.go) and the daemon logs one ` +
      `'error writing UDP packet' per 5 s for all of them (internal/liveness/scheduler.go writeErrWarnEvery): ${warnings.length} warnings ` +
      `in the hour, naming ${sampled.size} distinct peers. DESIGN.md "Verdicts": every peer sampled with the unassigned local IP is ` +
      `stale-session (quiet is not recovered: no restart, the IP not re-assigned); the others' only known sessions are the current ones ` +
      `from ${LAB_A.publicIp}, routed and not failing: healthy` +
      (sampled.size < peers.length ? ` (${peers.length - sampled.size} peers were never named in the hour; nothing names their stale sessions).` : '.'),
  ];
  if (withApi) {
    const services = [ibrlService(LAB_A.publicIp, LAB_A.overlayPeer, t.reconnectMs)];
    const sessions = [
      ...upSessions(peers, LAB_A.publicIp, LAB_A.overlayPeer, t.reconnectMs + 400),
      ...peers.map((peerIp): ApiSession => ({
        iface: 'doublezero0',
        localIp: LAB_A.allocatedIp,
        peerIp,
        nextHop: LAB_A.overlayPeer,
        state: 'down',
        downReason: 'timeout',
        lastUpdated: instant(t.disconnectMs + 3000),
      })),
    ];
    const kernelRoutes = bgpRoutes(kernel).map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop }));
    files['daemon-routes.json'] = routesBody(v, { network: NETWORK, services, kernelRoutes, sessions });
    files['daemon-v2-status.json'] = v2StatusBody(v, { reconcilerEnabled: false, clientIp: LAB_A.publicIp, network: NETWORK, services });
    const stale = staleSessions(v, peers, t);
    files['metrics.txt'] = metricsExposition({
      build: buildInfoFor('0.8.0'),
      sessions: [
        { iface: 'doublezero0', localIp: LAB_A.publicIp, state: 'up', count: peers.length },
        { iface: 'doublezero0', localIp: LAB_A.allocatedIp, state: 'down', count: peers.length },
        { iface: 'doublezero0', localIp: LAB_A.allocatedIp, state: 'up', count: 0 },
      ],
      writeSocketErrors: writeErrorCounts(v, stale, t.disconnectMs, COLLECTED_AT_MS, 'upstream-throttle-200-stale'),
      processStartEpochSeconds: SEED_DAEMON_START / SECOND,
    });
    finding = { ...finding, sessionsFailing: peers.length, exact: true };
    notes.push(
      `With GET /routes (internal/api/routes.go lists only sessions of the current DZ IP; v0.8.0 matches the tunnel source, ${LAB_A.publicIp}): ` +
        `the ${peers.length} current sessions, all up; the stale ones never appear, so their absence proves nothing. With metrics ` +
        `(internal/liveness/metrics.go): doublezero_liveness_sessions{local_ip="${LAB_A.allocatedIp}",state="down"} = ${peers.length}, an exact K. Node finding: local IP ${LAB_A.allocatedIp} not assigned, ${peers.length} sessions failing (exact).`,
    );
  } else {
    notes.push(`Node finding: local IP ${LAB_A.allocatedIp} not assigned, ≥ K sessions failing, K = the distinct peers sampled (no metrics): a lower bound.`);
  }
  files['expected.json'] = renderExpected({
    peers: verdictsFor(peers, (p) => (sampled.has(p) ? 'stale-session' : 'healthy')),
    findings: [finding],
    note: notes.join(' '),
  });
  return files;
}

/** The seed, then the cause goes away 2 min before collection: by a restart (new PID) or the IP re-assigned. */
function seedRecovered(spec: FixtureSpec, kernel: KernelSections, how: 'restart' | 'ip-reassigned'): FixtureFiles {
  const v = version('0.8.0');
  const peers = peersOf(kernel);
  const fixedMs = COLLECTED_AT_MS - 2 * MINUTE;
  const t: SeedTimeline = {
    disconnectMs: COLLECTED_AT_MS - 14 * MINUTE - 5 * SECOND,
    reconnectMs: COLLECTED_AT_MS - 14 * MINUTE,
    fixedMs,
    journalFromMs: COLLECTED_AT_MS - 13 * MINUTE,
  };
  const warnings = seedWarnings(v, peers, t, spec.name);
  const sampled = sampledPeers(warnings, LAB_A.allocatedIp);
  const items: JournalItem[] = daemonItems(SEED_PID, warnings);
  let files: FixtureFiles;
  let note: string;
  if (how === 'restart') {
    const newPid = 1184230;
    const startMs = fixedMs + 60;
    items.push(
      { source: 'systemd', atMs: fixedMs, message: 'Stopping doublezerod.service - DoubleZero client...' },
      { source: 'systemd', atMs: fixedMs + 41, message: 'doublezerod.service: Deactivated successfully.' },
      { source: 'systemd', atMs: fixedMs + 42, message: 'Stopped doublezerod.service - DoubleZero client.' },
      started(startMs),
      { source: 'daemon', pid: newPid, record: metricsServerStarted(instant(startMs + 212, 318_455), '127.0.0.1:41427') },
      { source: 'daemon', pid: newPid, record: managerStarting(v, instant(startMs + 214, 90_127), { passiveMode: true }) },
    );
    files = {
      ...baseFiles(spec, kernel, '0.8.0', { pid: newPid, startMs, argv: SEED_ARGV }),
      'journal.log': journal(spec, SEED_ARGV, items, 'json'),
    };
    const services = [ibrlService(LAB_A.publicIp, LAB_A.overlayPeer, startMs + 300)];
    const kernelRoutes = bgpRoutes(kernel).map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop }));
    files['daemon-routes.json'] = routesBody(v, {
      network: NETWORK,
      services,
      kernelRoutes,
      sessions: upSessions(peers, LAB_A.publicIp, LAB_A.overlayPeer, startMs + 700),
    });
    files['metrics.txt'] = metricsExposition({
      build: buildInfoFor('0.8.0'),
      sessions: [{ iface: 'doublezero0', localIp: LAB_A.publicIp, state: 'up', count: peers.length }],
      writeSocketErrors: [],
      processStartEpochSeconds: Math.floor(startMs / SECOND),
    });
    note =
      `v0.8.0, the seed bug (the journal starts 1 min after the reconnect: ${warnings.length} warnings in 11 min, one per 5 s for the daemon, naming ${sampled.size} distinct peers with ` +
      `${LAB_A.allocatedIp}), then \`systemctl restart doublezerod\` 2 min before collection: systemd's Stopping/Stopped/Started lines, a new PID ` +
      `(${newPid}) with its own 'liveness: manager starting', a new ActiveEnterTimestamp in systemctl show, and no stale session left ` +
      `(metrics: no local_ip="${LAB_A.allocatedIp}" series; sessions are registered anew on start, internal/liveness/manager.go). ` +
      `DESIGN.md "Verdicts" (lifecycle, issue 12): a daemon restart is evidence the stale sessions are gone, so the sampled peers, ` +
      `whose warnings are still inside the 15-min window, are recovering, not stale-session; the other peers are healthy; the stale-local-IP ` +
      `finding no longer holds.`;
  } else {
    files = {
      ...baseFiles(spec, kernel, '0.8.0', { pid: SEED_PID, startMs: SEED_DAEMON_START, argv: SEED_ARGV }),
      'journal.log': journal(spec, SEED_ARGV, items, 'short'),
    };
    note =
      `v0.8.0, the seed bug (the journal starts 1 min after the reconnect: ${warnings.length} warnings in 11 min naming ${sampled.size} distinct peers with ${LAB_A.allocatedIp}), then ` +
      `${LAB_A.allocatedIp}/32 assigned to doublezero0 again 2 min before collection (ip-addr shows it): the stale sessions' pinned sends ` +
      `succeed again and the warnings stop (internal/liveness/udp.go; the kernel only refused the unassigned source). Same daemon, same PID. ` +
      `DESIGN.md "Verdicts": the local IP assigned again is evidence the cause is gone, so the sampled peers, whose warnings are still ` +
      `inside the 15-min window, are recovering; the others are healthy; no stale-local-IP finding (the IP is assigned).`;
  }
  files['expected.json'] = renderExpected({ peers: verdictsFor(peers, (p) => (sampled.has(p) ? 'recovering' : 'healthy')), findings: [], note });
  return files;
}

// ---- other nodes ----

function v070Warnings(spec: FixtureSpec, kernel: KernelSections): FixtureFiles {
  const v = version('0.7.0');
  const pid = 48211;
  const startMs = COLLECTED_AT_MS - 10 * MINUTE;
  const argv = argvFor('0.7.0');
  const routes = bgpRoutes(kernel);
  const localIp = routes[0]?.src ?? '';
  const firstTx = startMs + 450;
  const items: JournalItem[] = [
    started(startMs),
    { source: 'daemon', pid, record: managerStarting(v, instant(startMs + 412, 551_203), { passiveMode: true }) },
  ];
  for (const [i, r] of routes.filter((x) => x.peerIp !== FIREWALLED_PEER).entries()) {
    const at = instant(firstTx + 230 + i * 2, 118_004 + i * 7919);
    items.push({
      source: 'daemon',
      pid,
      record: sessionUp(v, at, {
        peer: { iface: 'doublezero0', localIp, peerIp: r.peerIp },
        nextHop: r.nextHop,
        convergenceNanos: 229_871_311 + i * 1_003,
        upSince: at,
        noOp: 'global-passive',
        peerAdvertisedMode: 'passive',
        peerClientVersion: '0.0.0',
      }),
    });
  }
  const error = pinnedSendResult(
    v,
    { iface: 'doublezero0', peerIp: FIREWALLED_PEER },
    { interfacePresent: true, interfaceUp: true, localIpAssigned: true, firewallDrops: true },
  );
  if (error.ok) throw new Error('a firewall drop must fail');
  const { warnings } = sendWarnings({
    version: v,
    sessions: [
      {
        peer: { iface: 'doublezero0', localIp, peerIp: FIREWALLED_PEER },
        downSinceMs: firstTx,
        failures: [{ fromMs: firstTx, toMs: null, error: error.error }],
      },
    ],
    fromMs: firstTx,
    toMs: COLLECTED_AT_MS,
    seed: spec.name,
  });
  items.push(...daemonItems(pid, warnings));
  const peers = routes.map((r) => r.peerIp);
  return {
    ...baseFiles(spec, kernel, '0.7.0', { pid, startMs, argv }),
    'journal.log': journal(spec, argv, items, 'short'),
    'daemon-routes.json': NOT_FOUND_BODY,
    'expected.json': renderExpected({
      peers: verdictsFor(peers, (p) => (p === FIREWALLED_PEER ? 'firewall-blocked' : 'healthy')),
      findings: [],
      note:
        `v0.7.0 (passive liveness by flag): the send warning has only \`error\`, no \`peer\` (internal/liveness/scheduler.go @ client/v0.7.0), ` +
        `so the peer must be read from the error text (\`write udp 0.0.0.0:44880->${FIREWALLED_PEER}:44880: sendmsg: operation not permitted\`) ` +
        `and the local IP is unknown. The nft output rule drops udp 44880 to ${FIREWALLED_PEER}: EPERM (netfilter NF_DROP), ${warnings.length} ` +
        `warnings (the only failing session: one per 5 s). Its peers ${peers.filter((p) => p !== FIREWALLED_PEER).join(', ')} came up ` +
        `(\`liveness: session up\` is INFO in v0.7.0) and never failed: healthy. GET /routes does not exist before v0.8.0 (404 body, ` +
        `runtime/run.go): an optional section that must not fail the node.`,
    }),
  };
}

function unknownPeerWarn(spec: FixtureSpec, kernel: KernelSections): FixtureFiles {
  const v = version('0.8.0');
  const pid = 73150;
  const startMs = COLLECTED_AT_MS - 10 * MINUTE;
  const argv = argvFor('0.8.0');
  const routes = bgpRoutes(kernel);
  const localIp = routes[0]?.src ?? '';
  const registeredMs = startMs + 30 * SECOND;
  // The peers were sending to this node before its daemon restarted; until BGP brings the routes back (and the
  // sessions with them) their packets match no session: one WARN per 5 s for the daemon (unkownPeerErrWarnEvery).
  const { records } = unknownPeerWarnings({
    version: v,
    streams: routes.map((r, i) => ({
      peer: { iface: 'doublezero0', localIp, peerIp: r.peerIp },
      fromMs: startMs - 40 * SECOND,
      toMs: registeredMs,
      localDiscr: 0x5a17c0de + i * 977,
    })),
    fromMs: startMs + 400,
    toMs: registeredMs,
    seed: spec.name,
  });
  const items: JournalItem[] = [
    started(startMs),
    { source: 'daemon', pid, record: managerStarting(v, instant(startMs + 391, 77_213), { passiveMode: true }) },
    ...records.map((r): JournalItem => ({ source: 'daemon', pid, record: r.record })),
  ];
  const services = [ibrlService(localIp, routes[0]?.nextHop ?? '', registeredMs - 2 * SECOND)];
  const kernelRoutes = routes.map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop }));
  const peers = routes.map((r) => r.peerIp);
  return {
    ...baseFiles(spec, kernel, '0.8.0', { pid, startMs, argv }),
    'journal.log': journal(spec, argv, items, 'json'),
    'daemon-routes.json': routesBody(v, {
      network: NETWORK,
      services,
      kernelRoutes,
      sessions: upSessions(peers, localIp, routes[0]?.nextHop ?? '', registeredMs + 300),
    }),
    'expected.json': renderExpected({
      peers: verdictsFor(peers, () => 'healthy'),
      findings: [],
      note:
        `v0.8.0: \`liveness: received control packet for unknown peer\` is a WARN with a \`peer\` field up to v0.8.0 (DEBUG from v0.8.1, ` +
        `internal/liveness/manager.go HandleRx), throttled to one per 5 s. Here ${records.length} of them in the 30 s after the daemon started, ` +
        `before its sessions were registered; they are packets the node received, not send failures (DESIGN.md: other WARN lines are not ` +
        `send failures). No 'error writing UDP packet' at all, every peer routed through doublezero0 and up in GET /routes: healthy, no false no-route.`,
    }),
  };
}

function passiveQuiet(spec: FixtureSpec, kernel: KernelSections): FixtureFiles {
  const v = version('0.8.3');
  const pid = 51802;
  const startMs = COLLECTED_AT_MS - 40 * MINUTE;
  const argv = argvFor('0.8.3');
  const routes = bgpRoutes(kernel);
  const localIp = routes[0]?.src ?? '';
  const items: JournalItem[] = [
    started(startMs),
    { source: 'daemon', pid, record: managerStarting(v, instant(startMs + 318, 402_116), { passiveMode: true }) },
  ];
  for (const [i, r] of routes.entries()) {
    const at = instant(startMs + 655 + i * 4, 211_907 + i * 4513);
    items.push({
      source: 'daemon',
      pid,
      record: sessionUp(v, at, {
        peer: { iface: 'doublezero0', localIp, peerIp: r.peerIp },
        nextHop: r.nextHop,
        convergenceNanos: 2_114_093 + i * 211,
        upSince: at,
        noOp: 'global-passive',
        peerAdvertisedMode: 'passive',
        peerClientVersion: '0.8.3',
      }),
    });
  }
  const services = [ibrlService(localIp, routes[0]?.nextHop ?? '', startMs + 500)];
  const peers = routes.map((r) => r.peerIp);
  return {
    ...baseFiles(spec, kernel, '0.8.3', { pid, startMs, argv }),
    'journal.log': journal(spec, argv, items, 'cat'),
    'daemon-routes.json': routesBody(v, {
      network: NETWORK,
      services,
      kernelRoutes: routes.map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop })),
      sessions: upSessions(peers, localIp, routes[0]?.nextHop ?? '', startMs + 655),
    }),
    'expected.json': renderExpected({
      peers: verdictsFor(peers, () => 'healthy'),
      findings: [],
      note:
        `v0.8.3, passive by default (cmd/doublezerod/main.go): each session coming up logs \`liveness: session up (global passive; no-op)\` ` +
        `(internal/liveness/manager.go onSessionUp), 40 min before collection, older than the 15-min window; nothing since (healthy sessions ` +
        `log nothing). The peers stay in the grid (log lines of any level, GET /routes, the kernel's bgp routes: DESIGN.md "Verdicts") and are healthy.`,
    }),
  };
}

function multicast(spec: FixtureSpec, kernel: KernelSections, unicast: boolean): FixtureFiles {
  const v = version('0.10.0');
  const pid = 66021;
  const startMs = COLLECTED_AT_MS - 30 * MINUTE;
  const downMs = COLLECTED_AT_MS - 10 * MINUTE;
  const argv = argvFor('0.10.0');
  const routes = bgpRoutes(kernel);
  const publicIp = publicIpOf(kernel);
  const items: JournalItem[] = [started(startMs), { source: 'daemon', pid, record: managerStarting(v, instant(startMs + 287, 13_002), { passiveMode: true }) }];
  for (const [i, r] of routes.entries()) {
    const at = instant(startMs + 590 + i * 3, 77_410 + i * 3119);
    items.push({
      source: 'daemon',
      pid,
      record: sessionUp(v, at, {
        peer: { iface: 'doublezero0', localIp: r.src, peerIp: r.peerIp },
        nextHop: r.nextHop,
        convergenceNanos: 1_870_511 + i * 97,
        upSince: at,
        noOp: 'global-passive',
        peerAdvertisedMode: 'passive',
        peerClientVersion: '0.8.3',
      }),
    });
  }
  const services: ProvisionedService[] = [];
  if (unicast) services.push(ibrlService(publicIp, routes[0]?.nextHop ?? '', startMs + 400));
  services.push({
    userType: 'Multicast',
    tunnelName: 'doublezero1',
    tunnelSrc: publicIp,
    tunnelDst: DEVICE_IP,
    doubleZeroIp: '',
    overlayPeer: '169.254.1.12',
    bgpStatus: 'BGP Session Down',
    lastSessionUpdate: Math.floor((downMs + 90 * SECOND) / SECOND),
  });
  const peers = routes.map((r) => r.peerIp);
  const files: FixtureFiles = {
    ...baseFiles(spec, kernel, '0.10.0', { pid, startMs, argv }),
    'journal.log': journal(spec, argv, items, 'json'),
    'daemon-routes.json': routesBody(v, {
      network: NETWORK,
      services,
      kernelRoutes: routes.map((r) => ({ peerIp: r.peerIp, src: r.src, nextHop: r.nextHop })),
      sessions: upSessions(peers, publicIp, routes[0]?.nextHop ?? '', startMs + 590),
    }),
    'daemon-v2-status.json': v2StatusBody(v, {
      reconcilerEnabled: false,
      clientIp: publicIp,
      network: NETWORK,
      services: services.map((s) => (s.userType === 'Multicast' ? { ...s, multicastGroups: { publisher: [], subscriber: ['233.84.178.1'] } } : s)),
    }),
  };
  const finding: ExpectedFinding = { kind: 'tunnel', interface: 'doublezero1', verdict: 'interface-down' };
  files['expected.json'] = renderExpected({
    peers: verdictsFor(peers, () => 'healthy'),
    findings: [finding],
    note: unicast
      ? `v0.10.0, unicast (doublezero0, IBRL) and multicast (doublezero1, a subscriber: internal/services/multicast.go) on one node; ` +
        `doublezero1 is down (ip-link: no UP flag; its static group route gone with it; /v2/status shows the Multicast service's BGP ` +
        `session down). DESIGN.md "Verdicts": verdicts are per tunnel interface too, doublezero1 down is interface-down for the node. ` +
        `doublezero1 has no liveness sessions; the doublezero0 peers are up and never failed: healthy.`
      : `v0.10.0, multicast only: no doublezero0 at all (never provisioned: /v2/status lists only the Multicast service, GET /routes is empty), ` +
        `doublezero1 down. DESIGN.md "Verdicts": a multicast-only node has no doublezero0 and that is not interface-missing; doublezero1 ` +
        `down is interface-down for the node. No liveness peers (multicast runs none; 'liveness: manager starting' is logged because ` +
        `passive liveness is on by default since v0.8.3).`,
  });
  return files;
}

/** The files of one fixture, from the kernel sections of its capture. */
export function buildFixture(spec: FixtureSpec, kernel: KernelSections): FixtureFiles {
  switch (spec.name) {
    case 'upstream-throttle-200-stale':
      return throttle200(spec, kernel, false);
    case 'upstream-throttle-200-stale-routes':
      return throttle200(spec, kernel, true);
    case 'upstream-v0.7.0-warnings':
      return v070Warnings(spec, kernel);
    case 'upstream-unknown-peer-warn':
      return unknownPeerWarn(spec, kernel);
    case 'upstream-passive-quiet':
      return passiveQuiet(spec, kernel);
    case 'upstream-doublezero1-down':
      return multicast(spec, kernel, true);
    case 'upstream-multicast-only-down':
      return multicast(spec, kernel, false);
    case 'upstream-restarted':
      return seedRecovered(spec, kernel, 'restart');
    case 'upstream-ip-reassigned':
      return seedRecovered(spec, kernel, 'ip-reassigned');
    default:
      throw new Error(`no fixture ${spec.name}`);
  }
}
