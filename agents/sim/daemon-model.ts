import { daemonBehaviour, parseClientVersion, pinnedSendResult, type ClientVersion, type DaemonBehaviour, type SendOutcome } from '../../lib/doublezerod';
import { fnv1a } from './hash';
import { daemonFlag, findLink, LIVENESS_PORT, type SessionKey, type SimNodeState } from './state';

// The simulated node's daemon, read through the shared model (lib/doublezerod): its version's behaviour,
// what its flags switch on, and what one of its sends returns on this node.

const versionCache = new Map<string, ClientVersion>();

export function nodeVersion(state: SimNodeState): ClientVersion {
  let v = versionCache.get(state.version);
  if (!v) {
    v = parseClientVersion(state.version) ?? { major: 0, minor: 0, patch: 0 };
    versionCache.set(state.version, v);
  }
  return v;
}

export function nodeBehaviour(state: SimNodeState): DaemonBehaviour {
  return daemonBehaviour(nodeVersion(state));
}

function flagOn(value: string | true | undefined, byDefault: boolean): boolean {
  if (value === undefined) return byDefault;
  return value === true || value === 'true' || value === '1';
}

/** Liveness runs when passive or active mode is enabled (cmd/doublezerod/main.go); passive defaults to on from v0.8.3. */
export function livenessEnabled(state: SimNodeState): boolean {
  const { argv } = state.daemon;
  return (
    flagOn(daemonFlag(argv, 'route-liveness-enable-passive'), nodeBehaviour(state).livenessOnByDefault) ||
    flagOn(daemonFlag(argv, 'route-liveness-enable-active'), false)
  );
}

/** The manager's PassiveMode = !active. */
export function passiveMode(state: SimNodeState): boolean {
  return !flagOn(daemonFlag(state.daemon.argv, 'route-liveness-enable-active'), false);
}

export function metricsEnabled(state: SimNodeState): boolean {
  return flagOn(daemonFlag(state.daemon.argv, 'metrics-enable'), false);
}

/** `-metrics-addr`, default `localhost:0`. */
export function metricsAddrFlag(state: SimNodeState): string {
  const v = daemonFlag(state.daemon.argv, 'metrics-addr');
  return typeof v === 'string' ? v : 'localhost:0';
}

/** The port a listener on the flag's address gets at a start: the flag's, or for port 0 one the kernel picks. */
export function metricsPortAtStart(state: SimNodeState, pid: number): number {
  const port = Number(/:(\d+)$/.exec(metricsAddrFlag(state))?.[1] ?? 0);
  return port > 0 ? port : 32768 + (fnv1a(`metrics|${state.name}|${pid}`) % 28000);
}

/** `listener.Addr().String()` as the start record logs it: `localhost` and the empty host resolve to loopback / any. */
export function metricsListenAddress(state: SimNodeState): string {
  const host = metricsAddrFlag(state).replace(/:\d+$/, '');
  const shown = host === 'localhost' ? '127.0.0.1' : host === '' ? '[::]' : host;
  return `${shown}:${state.daemon.metricsPort}`;
}

/** What a send of this session returns on the node now (pinned to its interface and source, IP_PKTINFO). */
export function sendOutcome(state: SimNodeState, s: SessionKey): SendOutcome {
  const link = findLink(state, s.iface);
  const blocked = state.nft?.rules.some((r) => r.daddr === s.peerIp && r.dport === LIVENESS_PORT) ?? false;
  return pinnedSendResult(nodeVersion(state), s, {
    interfacePresent: Boolean(link),
    interfaceUp: link?.up ?? false,
    // The kernel accepts any source address the node owns (__ip_dev_find): without `-a` the DZ IP is eth0's.
    localIpAssigned: state.addresses.some((a) => a.local === s.localIp),
    firewallDrops: blocked,
  });
}
